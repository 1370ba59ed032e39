"""The catalogue: every message translated, and a word used in more than one place means the
same there — else it carries a pgettext context. A new shared word is reviewed into
locale/shared-msgids.txt (after `make messages`)."""

from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def catalogue():
    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as po:
        return [m for m in read_po(po) if m.id]


def text(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def test_every_message_is_translated():
    missing = [text(m) for m in catalogue() if not m.string or m.fuzzy or not any(m.string)]
    assert missing == []


def test_a_word_shared_between_places_was_reviewed_for_one_meaning():
    reviewed = {
        line.replace("\\n", "\n")
        for line in (LOCALE / "shared-msgids.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    shared = {
        text(m)
        for m in catalogue()
        if not m.context and len({f for f, _ in m.locations if not f.startswith("tests/")}) > 1
    }
    assert sorted(shared - reviewed) == [], "give it a context, or review it into the list"
