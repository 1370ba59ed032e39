"""The public-submission toolkit every resident form uses: a honeypot, rate limits counted in
the shared cache (per client IP and per mobile number), checked image uploads, and tracking
codes that are short but not guessable."""

import math
import secrets

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from governance.forms import PortalForm

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def random_token(length):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length)).lower()


def new_tracking_code(model, length=10):
    """A code unused in `model.tracking_code`: 31**10 ≈ 8·10^14 possibilities."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if not model.objects.filter(tracking_code=code).exists():
            return code


def normalise_code(value):
    return "".join(value.split()).upper()


class HoneypotForm(PortalForm):
    """A field people never see and bots fill in; a filled one means the post is discarded."""

    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self):
        return bool(self.data.get("website"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.ImageField):
    """Up to `max_files` images, each a real JPEG, PNG or WebP under settings.UPLOAD_MAX_BYTES."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files=3, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(n)d photo.", "Attach at most %(n)d photos.", self.max_files
                )
                % {"n": self.max_files},
                code="too_many",
            )
        limit = settings.UPLOAD_MAX_BYTES
        cleaned = []
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(mb)d MB.")
                    % {"name": upload.name, "mb": limit // (1024 * 1024)},
                    code="too_large",
                )
            image = super().clean(upload, initial)  # Pillow opens and verifies it
            if image.image.format not in ALLOWED_IMAGE_FORMATS:
                raise forms.ValidationError(
                    _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
                    code="bad_format",
                )
            cleaned.append(image)
        return cleaned


def _mobile_key(mobile):
    return lambda group, request: mobile


def rate_limit_wait(request, *, group, mobile=None, lookup=False):
    """Count this attempt; return the seconds to wait when a limit is exceeded, else 0.

    Counted per client IP and, when given, per mobile number, in the cache every web worker
    shares, so the limit holds however many workers serve the form."""
    limits = [
        ("ip", settings.PUBLIC_LOOKUP_RATE_PER_IP if lookup else settings.PUBLIC_FORM_RATE_PER_IP)
    ]
    if mobile:
        limits.append((_mobile_key(mobile), settings.PUBLIC_FORM_RATE_PER_MOBILE))
    wait = 0
    for key, rate in limits:
        usage = get_usage(
            request,
            group=f"{group}:{'ip' if key == 'ip' else 'mobile'}",
            key=key,
            rate=rate,
            method="POST",
            increment=True,
        )
        if usage and usage["should_limit"]:
            wait = max(wait, usage["time_left"])
    return wait


def too_many_requests(request, wait_seconds):
    minutes = max(1, math.ceil(wait_seconds / 60))
    response = render(request, "services/too_many_requests.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(wait_seconds))
    return response
