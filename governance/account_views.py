"""Account pages: logging in to the role's own page, the forced password change, setting up
and confirming the second factor."""

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from governance import security
from governance.forms import LoginForm, PortalForm
from governance.qr import qr_svg
from governance.roles import Role

# Where each role works (README, demo logins), by URL name: the apps above register the
# pages, so the foundation names them without importing them.
LANDINGS = {
    Role.STREET_CADRE: "command-center",
    Role.COMMUNITY_CADRE: "whistle-list",
    Role.GRID_WORKER: "mobile-home",
    Role.DEPARTMENT_HANDLER: "mobile-home",  # my work: the whistles they hold
    Role.VOLUNTEER: "volunteer-home",
}


def landing_url(user):
    """The page a user starts on after logging in."""
    name = "admin:index" if user.is_superuser else LANDINGS.get(user.role, "home")
    try:
        return reverse(name)
    except NoReverseMatch:  # an app left out of this deployment
        return reverse("home")


class LoginView(auth_views.LoginView):
    """Django's login with the portal's form; a safe `next` wins, else the role's page."""

    authentication_form = LoginForm

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class CodeForm(PortalForm):
    code = forms.CharField(
        label=pgettext_lazy("one-time code", "Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if safe else landing_url(request.user)


def typed_secret(device):
    """The key as an authenticator app takes it when typed: base32 (the QR code's secret), in
    groups of four; django-otp's own `key` is hex."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        security.password_changed(request, form.save())
        messages.success(request, _("Your password is changed."))
        return redirect(_next(request))
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "forced": request.user.must_change_password, "next": _next(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Scan the QR code with an authenticator app, then give its first code. A user who
    already has one must confirm the login with it before setting up a new one."""
    if security.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("two-factor-verify")
    device_id = request.session.get("enrolling_device")
    device = request.user.totpdevice_set.filter(pk=device_id, confirmed=False).first()
    if device is None or request.method == "GET":
        device = security.start_enrolment(request.user)
        request.session["enrolling_device"] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = security.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            del request.session["enrolling_device"]
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", _("That code is not right; check the time on your phone."))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": typed_secret(device),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("That code is not right, or it was used already."))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )
