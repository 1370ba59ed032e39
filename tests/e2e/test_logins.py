"""README, "Demo logins": logging in lands on the role's page — a street cadre on
/command/, a community cadre on /whistles/, grid workers and handlers on /m/, volunteers (the
partner's contact too) on /v/, a superuser on /admin/ — unless a page of the portal sent them
to log in: then back to that page. The home page has links for residents, grid workers and
cadres."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street
from tests.factories import UserFactory

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)

LANDING = {
    "street_cadre": "/command/",
    "community_cadre": "/whistles/",
    "grid_worker": "/m/",
    "dept_handler": "/m/",
    "volunteer": "/v/",
    "partner": "/v/",
    "admin": "/admin/",
}


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    world.users["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True, role="")
    return world


def test_each_role_lands_on_its_page(world, person):
    visitor = person("visitor", phone=True).goto(reverse("home"))
    for label in ("Blow the whistle on a problem", "Follow a report", "Post a micro-wish"):
        assert visitor.page.get_by_role("link", name=zh(label)).count() == 1, label
    visitor.shot("home")
    visitor.fits_a_phone()
    visitor.goto(reverse("login"))
    visitor.shot("login")
    visitor.fits_a_phone()

    for username, landing in LANDING.items():
        someone = person(username, phone=username in ("grid_worker", "volunteer", "partner"))
        someone.log_in(world[username])
        someone.no_server_error()
        assert someone.path.startswith(landing), (username, someone.path)
        someone.shot("landed")

    # Sent to log in by a page: back to that page.
    wanted = reverse("wish-mine")
    volunteer = person("volunteer-sent").goto(wanted)
    assert volunteer.path == reverse("login")
    volunteer.page.fill("#id_username", "volunteer")
    volunteer.page.fill("#id_password", "pw-for-tests")
    volunteer.submit("main form")
    assert volunteer.path == wanted
    volunteer.shot("back-to-the-page")
