"""The page header in a real browser (Debian's headless Chromium through Playwright) on a
360 px phone and on a desktop: at most two rows on the phone — brand and account, then the
menu, which scrolls sideways instead of wrapping — one row on a desktop, every menu link
reachable, nothing scrolling the page sideways, and the favicon served by the portal.
Screenshots land in test-artifacts/header/. Skipped, with the reason, where /usr/bin/chromium
or the playwright package is missing; a browser is never downloaded."""

from contextlib import ExitStack
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from governance.roles import Role
from tests.browser import PASSWORD, page_on
from tests.factories import UserFactory, cadre

pytestmark = pytest.mark.browser  # the chromium fixture skips, saying why, without Chromium

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "header"
ROWS = """header => {
    // Rows of the header's children: a child lying wholly below the row so far starts one.
    const boxes = [...header.children].filter(e => e.getClientRects().length)
        .map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
    let rows = 0, bottom = -Infinity;
    for (const box of boxes) {
        if (box.top >= bottom - 1) { rows += 1; bottom = box.bottom; }
        else bottom = Math.max(bottom, box.bottom);
    }
    return rows;
}"""


@pytest.fixture
def browser(chromium, live_server):
    """browser(viewport) → a fresh page on that viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ExitStack() as pages:
        yield lambda viewport: pages.enter_context(
            page_on(chromium, live_server, {"viewport": viewport})
        )


def log_in(page, user):
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_the_header_takes_two_rows_on_a_phone_and_one_on_a_desktop(browser, small_tree):
    # The longest menu there is (every link a community cadre has) and a long name.
    community = cadre(small_tree.community_a, "cadre_h")
    community.full_name = "欧阳建国同志"
    community.save()
    worker = UserFactory(username="gw_h", role=Role.GRID_WORKER, node=small_tree.grid_a)
    for name, user in (
        ("anonymous", None),
        ("grid-worker", worker),
        ("community-cadre", community),
    ):
        phone = browser(PHONE)
        if user is not None:
            log_in(phone, user)
        phone.goto(reverse("home"))
        phone.screenshot(path=SCREENSHOTS / f"phone-{name}.png")
        header = phone.locator("header.top")
        assert header.evaluate(ROWS) <= 2, name
        assert header.bounding_box()["height"] <= 100, name
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        if user is not None:
            links = header.locator("nav.main a")
            assert links.count() >= 3
            for i in range(links.count()):  # each link reachable by scrolling the menu
                links.nth(i).scroll_into_view_if_needed()
                box = links.nth(i).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
                assert box["height"] >= 32  # a thumb hits it
        desktop = browser(DESKTOP)
        if user is not None:
            log_in(desktop, user)
        desktop.goto(reverse("home"))
        desktop.screenshot(path=SCREENSHOTS / f"desktop-{name}.png")
        assert desktop.locator("header.top").evaluate(ROWS) == 1, name


@pytest.mark.django_db(transaction=True)
def test_the_browser_gets_the_portals_favicon(browser, small_tree):
    page = browser(PHONE)
    page.goto(reverse("home"))
    icons = page.eval_on_selector_all("link[rel=icon]", "els => els.map(e => e.href)")
    assert any(icon.endswith("/favicon.ico") for icon in icons)
    for icon in icons:
        response = page.request.get(icon)
        assert response.status == 200, icon
        assert response.headers["content-type"].startswith("image/"), icon
