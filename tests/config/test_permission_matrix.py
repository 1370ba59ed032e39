"""The permission matrix (issue #20): docs/permission-matrix.csv lists every URL pattern of
the portal and its admin against every role, with the answer due for an object inside and
outside the role's scope. This module holds the table to the URL conf (a pattern without a
row fails, and so does a row whose pattern is gone) and asks every cell of it of the demo
street, one GET per cell, never answered with a 500.

The demo is seeded once for the module (tests/config/permission_world.py) inside a
transaction that is rolled back at the end; each cell runs in a savepoint of its own.
"""

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.urls import resolve, reverse

from tests.config import permission_world
from tests.config.permission_world import ROLES, fill, route_params, url_patterns

MATRIX = settings.BASE_DIR / "docs" / "permission-matrix.csv"
ANSWERS = {"200", "302", "login", "403", "404", "405", "503"}
REDIRECTS = {301, 302, 303, 307, 308}

pytestmark = pytest.mark.django_db


class WrongAnswer(AssertionError):
    """A cell answered other than the table says. Known bugs (cells marked !) expect this
    and nothing else: a 500 or an exception fails even there."""


@dataclass(frozen=True)
class Row:
    pattern: str
    inside: dict  # kwarg -> reference ("whistle.inside") or literal
    outside: dict
    cells: dict  # role -> {"inside": (answer, known_bug), "outside": …}
    note: str

    @property
    def sides(self):
        """Patterns that take an object are asked for one inside and one outside the scope."""
        refs = [*self.inside.values(), *self.outside.values()]
        placed = any(ref.endswith((".inside", ".outside")) for ref in refs)
        return ("inside", "outside") if placed else ("inside",)


def _kwargs(text):
    pairs = [item.partition("=") for item in text.split()]
    return {name: value for name, _eq, value in pairs}


def _cell(text, where):
    sides = text.split("/")
    if len(sides) == 1:
        sides *= 2
    parsed = []
    for side in sides:
        answer, bug = side.removesuffix("!"), side.endswith("!")
        if answer not in ANSWERS or len(sides) != 2:
            raise ValueError(f"{where}: {text!r} is not one of {sorted(ANSWERS)} (or a/b)")
        parsed.append((answer, bug))
    return dict(zip(("inside", "outside"), parsed, strict=True))


def read_matrix(path=MATRIX):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    rows = {}
    for record in csv.DictReader(io.StringIO("\n".join(lines))):
        key = record["pattern"]
        if key in rows:
            raise ValueError(f"{path.name}: {key} has two rows")
        inside = _kwargs(record["inside"])
        row = Row(
            pattern=key,
            inside=inside,
            outside=_kwargs(record["outside"]) if record["outside"] else inside,
            cells={role: _cell(record[role], f"{key} / {role}") for role in ROLES},
            note=record["note"],
        )
        if len(row.sides) == 1 and any(c["inside"] != c["outside"] for c in row.cells.values()):
            raise ValueError(f"{path.name}: {key} takes no object, so one answer per role")
        rows[key] = row
    return rows


ROWS = read_matrix()
PATTERNS = {pattern.key: pattern for pattern in url_patterns()}


def _cells():
    for key, row in ROWS.items():
        if key not in PATTERNS:
            continue  # test_every_pattern_has_a_row_and_every_row_a_pattern says so
        for role in ROLES:
            for side in row.sides:
                answer, bug = row.cells[role][side]
                marks = (
                    [pytest.mark.xfail(strict=True, raises=WrongAnswer, reason=row.note)]
                    if bug
                    else []
                )
                yield pytest.param(key, role, side, answer, marks=marks, id=f"{key}|{role}|{side}")


# --- Fixtures


@pytest.fixture
def _test_settings():
    """Overrides the suite's per-test settings (a fresh MEDIA_ROOT each test): the demo's
    photos live in one folder for the whole module, set by `demo` below."""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            # What a fully logged-in user may reach; the second-factor gate has its own tests.
            TWO_FACTOR_REQUIRED=False,
        ),
        transaction.atomic(),
    ):
        world = permission_world.build()
        made = world, permission_world.clients(world)
        # Each cell's teardown checks deferred constraints (TestCase does) inside its rolled-back
        # savepoint; PostgreSQL would re-check every row of the demo each time. Once, here.
        connection.check_constraints()
        yield made
        transaction.set_rollback(True)


# --- The table and the URL conf


def _skeleton(pattern):
    kwargs = " ".join(f"{name}=?" for name in route_params(pattern.route))
    return ",".join([pattern.key, kwargs, "", *["?"] * len(ROLES), pattern.route])


def test_every_pattern_has_a_row_and_every_row_a_pattern():
    missing = [pattern for key, pattern in PATTERNS.items() if key not in ROWS]
    gone = sorted(key for key in ROWS if key not in PATTERNS)
    unfilled = [
        f"{key}: the route takes {sorted(params)}"
        for key, row in ROWS.items()
        if key in PATTERNS
        and not (
            (params := set(route_params(PATTERNS[key].route)))
            == set(row.inside)
            == set(row.outside)
        )
    ]
    problems = []
    if missing:
        problems.append(
            f"URL patterns with no row in {MATRIX.name} (add one; its columns are "
            "pattern,inside,outside,<roles>,note):\n"
            + "\n".join(_skeleton(pattern) for pattern in missing)
        )
    if gone:
        problems.append("Rows whose pattern no longer exists: " + ", ".join(gone))
    if unfilled:
        problems.append("Rows whose kwargs do not match the route:\n" + "\n".join(unfilled))
    assert not problems, "\n\n".join(problems)


# --- Every cell


def _answer(response):
    if response.status_code in REDIRECTS:
        login_pages = {reverse("login"), reverse("admin:login")}
        return "login" if urlsplit(response["Location"]).path in login_pages else "302"
    return str(response.status_code)


@pytest.mark.parametrize(("key", "role", "side", "expected"), list(_cells()))
def test_cell(demo, key, role, side, expected):
    world, clients = demo
    pattern, row = PATTERNS[key], ROWS[key]
    kwargs = row.inside if side == "inside" else row.outside
    url = fill(pattern.route, {name: world.resolve(ref, role) for name, ref in kwargs.items()})
    assert resolve(url).route == pattern.route, f"{url} does not reach {key}"

    response = clients[role].get(url)
    if response.streaming:  # a file: reading it to the end lets the client close it
        b"".join(response.streaming_content)

    assert response.status_code < 500 or (response.status_code, expected) == (503, "503"), (
        f"GET {url} as {role}: {response.status_code}"
    )
    answer = _answer(response)
    if answer != expected:
        where = f" → {response['Location']}" if response.status_code in REDIRECTS else ""
        raise WrongAnswer(f"GET {url} as {role} ({side}): {answer}{where}, expected {expected}")


# --- What a status cannot show


def test_household_page_masks_the_care_ledger_for_the_street_cadre(demo):
    """The street reads the registers masked: the care ledger on a household's page too."""
    world, clients = demo
    record = world.objects["carerecord"]["home"]
    url = reverse("grids-household", args=[record.resident.household_id])
    page = clients["street_cadre"].get(url)
    assert page.status_code == 200
    if record.resident.name in page.content.decode():
        raise WrongAnswer(f"GET {url} as street_cadre names {record.resident.name} in full")
