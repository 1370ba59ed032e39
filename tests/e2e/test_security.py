"""README, "Security and people's data": two-step login as a cadre meets it with
TWO_FACTOR_REQUIRED=1 (the QR code after the password, the first code, ten recovery codes;
later logins ask for a code, a recovery code works once), and wrong passwords lock the
account with a translated page."""

from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import PASSWORD, zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    return red_star_street()


def code_now(user):
    device = TOTPDevice.objects.filter(user=user).latest("pk")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_cadre_sets_up_and_uses_two_step_login(world, person, e2e_settings):
    e2e_settings.TWO_FACTOR_REQUIRED = True
    cadre_user = world["community_cadre"]
    cadre = person("community_cadre").log_in(cadre_user)
    # The first login after the password shows a QR code to scan.
    cadre.wait_for_path(reverse("two-factor-setup"))
    assert cadre.page.locator("main figure.qr svg").count() == 1
    cadre.shot("scan-the-qr-code")
    cadre.page.locator("main form input[name=code]").fill(code_now(cadre_user))
    cadre.submit("main form")
    codes = cadre.page.locator("main ul.codes code").all_inner_texts()
    assert len(codes) == 10
    cadre.shot("recovery-codes")
    cadre.click_link(zh("Go on"), within="main")
    cadre.goto(reverse("whistle-list"))
    assert cadre.path == reverse("whistle-list")

    # A later login asks for a code (a fresh one: each code works once).
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        later = person("community_cadre-later").log_in(cadre_user)
        later.wait_for_path(reverse("two-factor-verify"))
        later.shot("verify")
        later.page.locator("main form input[name=code]").fill(code_now(cadre_user))
        later.submit("main form")
        assert later.path != reverse("two-factor-verify")
        later.goto(reverse("whistle-list"))
        assert later.path == reverse("whistle-list")

    # A recovery code logs in once.
    for attempt in ("first", "again"):
        away = person(f"community_cadre-recovery-{attempt}").log_in(cadre_user)
        away.wait_for_path(reverse("two-factor-verify"))
        away.page.locator("main form input[name=code]").fill(codes[0])
        away.submit("main form")
        away.shot("recovery-code")
        if attempt == "first":
            assert away.path != reverse("two-factor-verify")
        else:
            assert away.path == reverse("two-factor-verify")
            assert zh("That code is not right, or it was used already.") in away.text()


def test_wrong_passwords_lock_the_account(world, person, e2e_settings):
    e2e_settings.AXES_FAILURE_LIMIT = 5
    user = world["volunteer"]
    visitor = person("visitor", phone=True)
    for _ in range(5):
        visitor.goto(reverse("login"))
        visitor.page.fill("#id_username", user.username)
        visitor.page.fill("#id_password", "not-the-password")
        visitor.submit("main form")
    visitor.shot("locked-out")
    assert zh("Login locked") in visitor.text("h1")
    # Even the right password is refused now, with the same translated page.
    visitor.goto(reverse("login"))
    visitor.page.fill("#id_username", user.username)
    visitor.page.fill("#id_password", PASSWORD)
    visitor.submit("main form")
    assert zh("Login locked") in visitor.text("h1")
    assert zh("Try again later, or ask an administrator to unlock it.") in visitor.text()
    visitor.shot("still-locked")


def test_the_key_to_type_is_the_one_in_the_qr_code(world, person, e2e_settings):
    e2e_settings.TWO_FACTOR_REQUIRED = True
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.wait_for_path(reverse("two-factor-setup"))
    typed = cadre.page.locator("main figure.qr figcaption code").inner_text().strip()
    device = TOTPDevice.objects.get(user=world["community_cadre"])
    assert typed.replace(" ", "").upper() == b32encode(device.bin_key).decode().rstrip("=")


def test_a_staff_session_ends_when_idle_a_volunteers_phone_stays(world, person):
    # Idle sessions: a staff session ends after SESSION_IDLE_MINUTES (30) without a request;
    # a volunteer's phone stays logged in.
    cadre = person("community_cadre").log_in(world["community_cadre"])
    volunteer = person("volunteer", phone=True).log_in(world["volunteer"])
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        cadre.goto(reverse("whistle-list"))
        assert cadre.path == reverse("login")
        cadre.shot("idle-staff-logged-out")
        volunteer.goto(reverse("volunteer-home"))
        assert volunteer.path == reverse("volunteer-home")
        volunteer.shot("volunteer-still-in")
