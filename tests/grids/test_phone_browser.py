"""The grid worker's phone pages in a real browser: Debian's headless Chromium on a 360×640
touch screen, driven by Playwright against the live server.

The view tests check what the pages say; only a browser shows whether they fit a phone. On
every page of the round (sign in, My work, a whistle signed for, a household found by its
pinyin initials, a visit that raises a whistle) nothing scrolls sideways and buttons, tiles
and form fields are thumb-sized. Each step is saved to test-artifacts/phone/<step>.png.
Skipped, with the reason, where /usr/bin/chromium or the playwright package is missing."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from governance.models import OrgNode, Role, User
from grids.models import Household, Resident, Visit
from services.whistles import dispatch, intake
from services.whistles.models import Category, Status, Urgency, Whistle
from tests import browser
from tests.browser import PASSWORD, page_on
from tests.factories import UserFactory, cadre

pytestmark = pytest.mark.browser  # the chromium fixture skips, saying why, without Chromium
playwright = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install -e .[dev])"
)

PHONE = {"width": 360, "height": 640}
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "phone"
# What a thumb must hit: the red buttons, list tiles, form fields and the step toggles.
TOUCH_TARGETS = ", ".join(
    [
        "main .button",
        "main ul.tiles a",
        "main details.step summary",
        "main .stack input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
        "main .stack select",
        "main .stack textarea",
    ]
)
TOO_SMALL = """els => els
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .filter(e => e.getBoundingClientRect().height < 40)
    .map(e => `${Math.round(e.getBoundingClientRect().height)}px ${e.outerHTML.slice(0, 80)}`)"""


@dataclass
class Round:
    worker: User
    grid: OrgNode
    household: Household
    category: Category
    whistle: Whistle  # dispatched to the worker's grid, waiting to be signed for


@pytest.fixture
def grid_round(small_tree):
    # get_or_create: the live server's transactional tests flush the migrations' categories.
    category, _ = Category.objects.get_or_create(
        name="乱停车、占道",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    grid = small_tree.grid_a
    worker = UserFactory(
        username="gw", role=Role.GRID_WORKER, node=grid, full_name="网格员甲", mobile="13800000001"
    )
    household = Household.objects.create(
        building=small_tree.buildings_a[0], unit="1", room="101", size=2
    )
    Resident.objects.create(
        household=household, name="张建国", mobile="13912340001", birth_year=1948
    )
    Resident.objects.create(household=household, name="李秀英", birth_year=1950)
    community_cadre = cadre(small_tree.community_a, "cadre_a")
    whistle = intake.submit_whistle(
        category=category,
        description="楼道里堆满杂物，影响通行。",
        community=small_tree.community_a,
        building=small_tree.buildings_a[1],
        reporter_name="王海燕",
        reporter_mobile="13912345678",
        contact_consent=True,
    )
    whistle = dispatch.accept_whistle(whistle=whistle, actor=community_cadre)
    whistle = dispatch.dispatch_whistle(whistle=whistle, actor=community_cadre, grid=grid)
    return Round(worker, grid, household, category, whistle)


@pytest.fixture
def phone(chromium, live_server):
    """A fresh page on a 360×640 touch phone, pointed at the live server."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with page_on(chromium, live_server, {**browser.PHONE, "viewport": PHONE}) as page:
        yield page


def path_of(page):
    return urlsplit(page.url).path


def wait_for_path(page, path):
    """Until the page has loaded `path` (a glob would also match the login page's ?next=)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def fits_a_phone(page, step):
    """Screenshot the step, then: no sideways scrolling, and every touch target ≥ 40px tall."""
    page.screenshot(path=SCREENSHOTS / f"{step}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], step
    assert page.eval_on_selector_all(TOUCH_TARGETS, TOO_SMALL) == [], step


def sign_in_to_my_work(page, user):
    page.goto(reverse("mobile-home"))
    assert path_of(page) == reverse(settings.LOGIN_URL)
    fits_a_phone(page, "01-login")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.tap("main form button[type=submit]")
    wait_for_path(page, reverse("mobile-home"))
    fits_a_phone(page, "02-my-work")


def test_grid_worker_signs_for_a_whistle_on_a_phone(grid_round, phone):
    whistle = grid_round.whistle
    detail = reverse("whistle-detail", args=[whistle.pk])
    sign_in_to_my_work(phone, grid_round.worker)

    phone.tap(f"ul.tiles a[href='{detail}']")
    wait_for_path(phone, detail)
    fits_a_phone(phone, "03-whistle")

    phone.tap(f"form[action='{reverse('whistle-step', args=[whistle.pk, 'sign'])}'] button")
    playwright.expect(phone.locator(".messages li.success")).to_be_visible()
    assert path_of(phone) == detail
    whistle.refresh_from_db()
    assert whistle.status == Status.SIGNED
    # Signed for: the next step offered is reporting it resolved, no longer signing.
    resolve = reverse("whistle-step", args=[whistle.pk, "resolve"])
    playwright.expect(phone.locator(f"form[action='{resolve}']")).to_be_visible()
    assert phone.locator("form[action$='/sign/']").count() == 0
    fits_a_phone(phone, "04-whistle-signed")


def test_grid_worker_finds_a_household_and_records_a_visit_on_a_phone(grid_round, phone):
    household = grid_round.household
    card = reverse("grids-household", args=[household.pk])
    sign_in_to_my_work(phone, grid_round.worker)

    phone.tap(f"main a.button[href='{reverse('grids-household-search')}']")
    wait_for_path(phone, reverse("grids-household-search"))
    fits_a_phone(phone, "05-household-search")
    phone.fill("#q", "zjg")
    phone.tap("form[role=search] button")
    phone.wait_for_url(lambda url: urlsplit(url).query == "q=zjg")
    results = phone.locator("ul.tiles a")
    playwright.expect(results).to_have_count(1)
    playwright.expect(results).to_contain_text("张建国")
    fits_a_phone(phone, "06-household-search-results")

    results.tap()
    wait_for_path(phone, card)
    playwright.expect(phone.locator("main")).to_contain_text("张建国")
    fits_a_phone(phone, "07-household")

    phone.tap(f"a.button[href='{reverse('grids-visit', args=[household.pk])}']")
    wait_for_path(phone, reverse("grids-visit", args=[household.pk]))
    fits_a_phone(phone, "08-visit-form")
    phone.fill("#id_seen", "老人精神不错，屋内整洁。")
    phone.fill("#id_needs", "想要一个助行器")
    phone.select_option("#id_problem_category", str(grid_round.category.pk))
    phone.fill("#id_problem", "单元门口路灯坏了，晚上很黑。")
    fits_a_phone(phone, "09-visit-form-filled")
    phone.tap("main form button[type=submit]")
    wait_for_path(phone, card)

    visit = Visit.objects.get()
    raised = Whistle.objects.exclude(pk=grid_round.whistle.pk).get()
    assert (visit.household, visit.worker, visit.whistle) == (household, grid_round.worker, raised)
    assert (raised.source, raised.building, raised.status) == (
        "visit",
        household.building,
        Status.SUBMITTED,
    )
    playwright.expect(phone.locator(".messages li.success")).to_contain_text(raised.tracking_code)
    whistle_link = phone.locator(
        f"ol.timeline a[href='{reverse('whistle-detail', args=[raised.pk])}']"
    )
    playwright.expect(whistle_link).to_be_visible()
    fits_a_phone(phone, "10-visit-recorded")
