"""The account rules every login passes: a password an administrator reset must be changed
first, and superusers and cadres confirm their login with a second factor (TOTP from an
authenticator app, or a one-time recovery code) when settings.TWO_FACTOR_REQUIRED says so.
Login throttling and lockout are django-axes' (settings, AXES_*)."""

import secrets
import time

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as confirm_second_factor
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.roles import Role

SECOND_FACTOR_ROLES = frozenset({Role.STREET_CADRE, Role.COMMUNITY_CADRE})
RECOVERY_CODES = 10
# Letters and digits that read unambiguously, like the tracking codes.
TEMPORARY_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"


def needs_second_factor(user):
    return settings.TWO_FACTOR_REQUIRED and (user.is_superuser or user.role in SECOND_FACTOR_ROLES)


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Steps


def reset_password(*, user):
    """An administrator gives `user` a temporary password, to be changed at the next login
    (no e-mail is assumed: the administrator hands it over; the audit trail records who).
    Returns the password."""
    password = "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(12))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    reset_login_failures(username=user.get_username())
    return password


def password_changed(request, user):
    """The user chose a new password: the flag goes and the session stays."""
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    update_session_auth_hash(request, user)


def unlock(*, user):
    """Lift a lockout after failed logins (django-axes keeps the count)."""
    return reset_login_failures(username=user.get_username())


def start_enrolment(user):
    """An unconfirmed authenticator for the user (a fresh secret each time they start)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_enrolment(request, device, token):
    """The first code from the app confirms the authenticator; the login counts as
    verified and the user gets their recovery codes, shown once. None for a wrong code."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    confirm_second_factor(request, device)
    return new_recovery_codes(device.user)


def new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def verify(request, token):
    """A code from the authenticator, or a recovery code (each works once)."""
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token.strip().replace(" ", "")):
            confirm_second_factor(request, device)
            return True
    return False


# --- The gate


OPEN_PATHS = ("/static/", "/i18n/", "/healthz/", "/accounts/logout/")
SEEN = "seen_at"
SEEN_EVERY = 60  # seconds: the session is written at most this often to record activity


def idles_out(user):
    """Staff sessions end when idle; a volunteer's phone stays logged in."""
    return user.is_superuser or user.role not in (Role.VOLUNTEER, "")


@receiver(user_logged_in, dispatch_uid="governance.security.seen")
def _seen_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = int(time.time())


class AccountGateMiddleware:
    """Before anything else a logged-in user may do: a staff session idle too long ends;
    a reset password is changed; the second factor is set up or confirmed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and idles_out(user) and self.idle_too_long(request):
            logout(request)
            messages.info(request, _("You were logged out after a while without activity."))
            return redirect(f"{reverse('login')}?next={request.get_full_path()}")
        if user.is_authenticated and not request.path.startswith(OPEN_PATHS):
            gate = self.gate(request, user)
            if gate is not None and request.path != gate:
                return redirect(f"{gate}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def idle_too_long(request):
        now, seen = int(time.time()), request.session.get(SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
            return True
        if seen is None or now - seen >= SEEN_EVERY:
            request.session[SEEN] = now
        return False

    @staticmethod
    def gate(request, user):
        if user.must_change_password:
            return reverse("password-change")
        if needs_second_factor(user) and not user.is_verified():
            return reverse("two-factor-verify" if has_second_factor(user) else "two-factor-setup")
        return None
