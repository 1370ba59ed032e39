"""The volunteer's phone pages in a real browser: Debian's headless Chromium on a 360×640
touch screen, driven by Playwright against the live server. A volunteer with a long history
opens /v/me/: the page stays a few screens tall with every history collapsed, nothing scrolls
sideways, and opening a history shows one page of it. Screenshots go to
test-artifacts/volunteers/. Skipped, with the reason, without /usr/bin/chromium or playwright."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests import browser
from tests.browser import PASSWORD, page_on
from tests.volunteers.conftest import make_activity
from volunteers import ledger
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.browser  # the chromium fixture skips, saying why, without Chromium
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

PHONE = {"width": 360, "height": 640}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "volunteers"


@pytest.fixture
def phone(chromium, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with page_on(chromium, live_server, {**browser.PHONE, "viewport": PHONE}) as page:
        yield page


def sign_in(page, user, to):
    page.goto(to)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.tap("main form button[type=submit]")
    page.wait_for_url(lambda url: url.split("?")[0].endswith(to))


def fits(page, step):
    page.screenshot(path=SCREENSHOTS / f"{step}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], step
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.django_db(transaction=True)
def test_my_page_is_short_on_a_phone_however_long_the_history(service, phone):
    now = timezone.now()
    for i in range(60):
        starts = now - timedelta(days=7 * (i + 1))
        activity = make_activity(service.team, starts_at=starts, title=f"周六敬老院陪伴服务{i:02}")
        SignUp.objects.create(
            activity=activity, volunteer=service.alice.volunteer, status=SignUpStatus.REGISTERED
        )
        ledger.award_points(user=service.alice, points=5, reason=f"心愿{i}", key=f"w:{i}")

    sign_in(phone, service.alice, reverse("volunteer-me"))
    collapsed = fits(phone, "01-me-collapsed")
    assert collapsed < 3 * PHONE["height"], collapsed

    phone.tap("#signups summary")
    playwright.expect(phone.locator("#signups ul.tiles li")).to_have_count(10)
    opened = fits(phone, "02-me-signups-open")
    assert opened < 6 * PHONE["height"], opened

    phone.tap("#signups .pager a")
    phone.wait_for_url(lambda url: "signups=2" in url)
    playwright.expect(phone.locator("#signups ul.tiles li")).to_have_count(10)
    fits(phone, "03-me-signups-page-2")


@pytest.mark.django_db(transaction=True)
def test_redeeming_a_gift_on_a_phone_confirms_then_gives_the_pickup_code(service, phone):
    from volunteers.models import Redemption, RedemptionStatus

    ledger.award_points(user=service.alice, points=50, reason="心愿", key="w:gift")
    sign_in(phone, service.alice, reverse("volunteer-rewards"))
    fits(phone, "10-gifts")
    confirm = reverse("volunteer-redeem", args=[service.reward.pk])
    phone.tap(f"ul.tiles a[href='{confirm}']")
    phone.wait_for_url(lambda url: url.endswith(confirm))
    playwright.expect(phone.locator("main")).to_contain_text(service.station.name)
    fits(phone, "11-gift-confirm")
    assert not Redemption.objects.exists()

    phone.tap(f"form[action='{confirm}'] button[type=submit]")
    phone.wait_for_url(lambda url: "/v/redemptions/" in url)
    redemption = Redemption.objects.get()
    playwright.expect(phone.locator(".pickup-code")).to_have_text(redemption.pickup_code)
    fits(phone, "12-gift-pickup-code")

    phone.tap("main form button[type=submit]")  # cancel before hand-over
    playwright.expect(phone.locator(".messages li.success")).to_be_visible()
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.CANCELLED
    fits(phone, "13-gift-cancelled")
