"""A poster who agreed to texts hears of each state change of their wish: short, with the
tracking code, never the claimer's name; once per event; none without consent."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from governance.models import OutboundSMS
from services.wishes import steps as wishes
from services.wishes.models import Wish
from tests.governance import sms_gateway
from tests.services.wishes.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings, monkeypatch):
    settings.LANGUAGE_CODE = "en"  # texts are in the portal's language: English here
    with sms_gateway.start(settings, monkeypatch) as started:
        yield started


def test_the_poster_hears_of_each_state_change(
    gateway, world, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wish = post(world, sms_consent=True)
        code = wish.tracking_code
        wishes.edit_wish_text(wish=wish, actor=world.cadre_a, text="孩子想要书包。")
        wishes.approve_wish(wish=wish, actor=world.cadre_a)
        wishes.claim_wish(wish=wish, actor=volunteer, show_name=True)
        wishes.withdraw_claim(wish=wish, actor=volunteer)
        wishes.claim_wish(wish=wish, actor=volunteer)
        wishes.fulfil_wish(wish=wish, actor=volunteer, note="送到了")
        wishes.confirm_wish(wish=wish)  # they pressed it themselves: not told back
    assert gateway.texts() == [
        f"【红格】Your micro-wish was received. Tracking code {code}.",
        f"【红格】Micro-wish {code} is on the wish wall.",
        f"【红格】Micro-wish {code} was claimed.",
        f"【红格】Micro-wish {code} is back on the wish wall for a new claimer.",
        f"【红格】Micro-wish {code} was claimed.",
        f"【红格】Micro-wish {code} is fulfilled, says its claimer: please confirm on its"
        " tracking page.",
    ]
    assert {r["mobile"] for r in gateway.received} == {"13700001234"}
    assert not any("陈海燕" in text or "陈某" in text for text in gateway.texts())


def test_a_claim_that_ends_with_the_community_says_so_once(
    gateway, world, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wish = wishes.approve_wish(wish=post(world, sms_consent=True), actor=world.cadre_a)
        wishes.claim_wish(wish=wish, actor=volunteer)
        wishes.fulfil_wish(wish=wish, actor=volunteer, note="送到了")
        wishes.report_not_fulfilled(wish=wish, reason="没收到")
        wishes.withdraw_claim(wish=wish, actor=volunteer)
    code = wish.tracking_code
    assert gateway.texts()[-1] == (
        f"【红格】Micro-wish {code} is with the community, which follows it up."
    )
    assert not any("back on the wish wall" in text for text in gateway.texts())


def test_an_automatic_confirmation_is_told(
    gateway, world, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wish = wishes.approve_wish(wish=post(world, sms_consent=True), actor=world.cadre_a)
        wishes.fulfil_wish(
            wish=wishes.claim_wish(wish=wish, actor=volunteer), actor=volunteer, note="送到了"
        )
    with (
        time_machine.travel(timezone.now() + timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert wishes.scan()["auto_confirmed"] == 1
    assert gateway.texts()[-1] == f"【红格】Micro-wish {wish.tracking_code} is lit. Thank you."


def test_no_consent_no_text(gateway, world, volunteer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wish = wishes.approve_wish(wish=post(world), actor=world.cadre_a)
        wishes.claim_wish(wish=wish, actor=volunteer)
    assert gateway.received == [] and not OutboundSMS.objects.exists()


def test_the_form_asks_for_consent(client, world, gateway):
    from tests.services.wishes.test_wishes import form_data

    client.post("/wishes/new/", {**form_data(world), "sms_consent": "on"})
    client.post("/wishes/new/", form_data(world, text="第二个心愿：一盏台灯"))
    assert list(Wish.objects.order_by("pk").values_list("sms_consent", flat=True)) == [
        True,
        False,
    ]
