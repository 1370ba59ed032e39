"""The public-submission toolkit every resident form uses: a honeypot, rate limits counted in
the shared cache (per client IP and per mobile number), the place a resident picks, and
tracking codes that are short but not guessable. Checked uploads are in `uploads`."""

import logging
import math
import secrets
import time

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from governance.choices_cache import (
    CachedChoices,
    CachedModelChoiceField,
    FastSelect,
    RenderedOnce,
)
from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode, mainland_mobile
from governance.params import parse_id

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_token(length):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length)).lower()


def random_tracking_code(length=10):
    """A fresh code, 31**10 ≈ 8·10^14 possibilities: a clash is for the unique index to catch."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_tracking_code(model, length=10):
    """A code unused in `model.tracking_code`."""
    while True:
        code = random_tracking_code(length)
        if not model.objects.filter(tracking_code=code).exists():
            return code


def normalise_code(value):
    return "".join(value.split()).upper()


class HoneypotForm(RenderedOnce, PortalForm):
    """A field people never see and bots fill in; a filled one means the post is discarded.
    Rendered once per process for each set of values (choices_cache.RenderedOnce)."""

    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self):
        return bool(self.data.get("website"))


class PlaceChoiceField(forms.ModelChoiceField):
    """Residents choose places (红旗社区, 锦绣苑3号楼), not party organisations."""

    widget = FastSelect

    def label_from_instance(self, node):
        return node.place


def _place_choices(**filters):
    nodes = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, **filters).order_by("tree_id", "lft")
    return [(node.pk, node.place) for node in nodes.only("pk", "name", "place_name")]


# The district's communities by the names residents use, for every public form.
community_choices = CachedChoices("communities", _place_choices, [OrgNode])
located_community_choices = CachedChoices(
    "communities-located", lambda: _place_choices(latitude__isnull=False), [OrgNode]
)


class CachedPlaceChoiceField(CachedModelChoiceField, PlaceChoiceField):
    """A place list offered from the choice cache; the posted place is still checked."""


def mobile_number_field():
    return forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mainland_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class ResidentPlaceForm(HoneypotForm):
    """A resident form that says where: a community, then one of its buildings."""

    community = CachedPlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.COMMUNITY),
        cached_choices=community_choices,
        label=_("Community"),
        empty_label=_("Choose your community"),
    )
    building = PlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.BUILDING).select_related("parent"),
        label=_("Building"),
        required=False,
        empty_label=_("Not sure / not listed"),
    )
    source = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the chosen community's buildings are offered (the page script refreshes them).
        community = parse_id(self.data.get("community") or self.initial.get("community"))
        buildings = self.fields["building"].queryset
        if community:
            self.fields["building"].queryset = buildings.filter(parent__parent_id=community)
        elif not self.is_bound:
            self.fields["building"].queryset = buildings.none()

    def clean(self):
        data = super().clean()
        community, building = data.get("community"), data.get("building")
        if community and building and building.parent.parent_id != community.pk:
            self.add_error("building", _("That building is not in the chosen community."))
        return data


class TrackForm(RenderedOnce, PortalForm):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    last4 = forms.RegexField(
        label=_("Last 4 digits of your mobile"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])


def client_ip(request):
    """The resident's address. Behind PROXY_COUNT trusted proxies (load balancers), each
    appends the address it saw to X-Forwarded-For: the client is the PROXY_COUNT-th from
    the right. Anything further left could be forged by the client."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    if not settings.PROXY_COUNT:
        return remote
    chain = [
        ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if ip.strip()
    ]
    return chain[-settings.PROXY_COUNT] if len(chain) >= settings.PROXY_COUNT else remote


def _wait(request, group, key, rate):
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    except Exception:  # the shared cache is down: a resident's report must still go through
        logger.warning("rate-limit cache unavailable; counting %s in this process", group)
        return _fallback_wait(request, group, key, rate)
    return usage["time_left"] if usage and usage["should_limit"] else 0


# While the shared cache is down, each process counts in its own memory: the limit holds per
# process (looser by the number of workers) instead of failing the post.
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _fallback_wait(request, group, key, rate):
    limit, period = rate.split("/")
    seconds = _PERIODS[period[-1]] * int(period[:-1] or 1)
    who = client_ip(request) if key == "ip" else key(group, request)
    now = time.time()
    counter = f"{group}:{who}:{int(now // seconds)}"
    counts = caches["ratelimit-fallback"]
    counts.add(counter, 0, seconds)
    try:
        count = counts.incr(counter)
    except ValueError:  # the window ended between the two calls
        counts.set(counter, 1, seconds)
        count = 1
    return math.ceil(seconds - now % seconds) if count > int(limit) else 0


def ip_limit_wait(request, *, group, lookup=False):
    """Count this attempt from the client's address; seconds to wait when over the limit.

    Counted in the cache every web worker shares, so the limit holds across workers."""
    rate = settings.PUBLIC_LOOKUP_RATE_PER_IP if lookup else settings.PUBLIC_FORM_RATE_PER_IP
    return _wait(request, f"{group}:ip", "ip", rate)


def mobile_limit_wait(request, *, group, mobile):
    """Count a valid submission for this mobile number. Only valid ones count, so nobody can
    lock a resident out by posting junk with their number."""
    return _wait(
        request,
        f"{group}:mobile",
        lambda _group, _request: mobile,
        settings.PUBLIC_FORM_RATE_PER_MOBILE,
    )


def too_many_requests(request, wait_seconds, *, template=None, context=None):
    """429 with when to try again; a form page keeps what the resident wrote (`template` and
    its `context`)."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    context = {**(context or {}), "minutes": minutes, "too_many": True}
    template = template or "governance/too_many_requests.html"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(int(wait_seconds))
    return response


# --- Resident sessions: which tracking codes this browser may see (it reported the item, or
# proved it knows the code and the last four digits of the mobile).

SESSION_KEY = "known_codes"


def remember_code(request, code):
    known = request.session.get(SESSION_KEY, [])
    if code not in known:
        request.session[SESSION_KEY] = [*known[-29:], code]


def knows_code(request, code):
    return code in request.session.get(SESSION_KEY, [])


def prefill(params):
    """QR posters open a form with ?community=ID (and &source=STATION-CODE)."""
    initial = {}
    if parse_id(params.get("community")):
        initial["community"] = parse_id(params["community"])
    if params.get("source"):
        initial["source"] = params["source"][:40]
    return initial


def submission_view(request, *, form_class, submit, group, mobile_field, page, done_url, form=None):
    """A resident form: honeypot, rate limits (IP and mobile), validation, then `submit`.

    `page` is the template context of the form page; `done_url(obj)` where to go after;
    `form` the posted form when the view has built it already (validated once, not twice)."""
    template = "governance/public_form.html"
    if request.method == "GET":
        form = form_class(initial=prefill(request.GET))
        return render(request, template, {**page, "form": form})
    if form is None:
        form = form_class(request.POST, request.FILES)
    if form.is_bot():  # looks like success to the bot; nothing is saved
        return render(request, "governance/submitted.html", {"code": None})
    # Browsers cannot refill a file input: say so when files were sent.
    context = {**page, "form": form, "photos_dropped": bool(request.FILES)}
    wait = ip_limit_wait(request, group=group)
    if wait:
        return too_many_requests(request, wait, template=template, context=context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    wait = mobile_limit_wait(request, group=group, mobile=form.cleaned_data[mobile_field])
    if wait:
        return too_many_requests(request, wait, template=template, context=context)
    obj = submit(**{k: v for k, v in form.cleaned_data.items() if k != "website"})
    remember_code(request, obj.tracking_code)
    return redirect(done_url(obj))


def submitted_page(request, code, *, status_url_name):
    """The page after a resident's submission: its code, for this browser only."""
    if not knows_code(request, code):
        raise Http404
    context = {"code": code, "status_url": reverse(status_url_name, args=[code])}
    return render(request, "governance/submitted.html", context)


def lookup_view(request, *, model, mobile_field, status_url_name, title, other=None):
    """Find an item by its tracking code and the last four digits of the mobile."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        wait = ip_limit_wait(request, group=f"{model._meta.model_name}-track", lookup=True)
        if wait:
            return too_many_requests(request, wait)
        if form.is_valid():
            code, last4 = form.cleaned_data["code"], form.cleaned_data["last4"]
            matches = model.objects.filter(
                tracking_code=code, **{f"{mobile_field}__endswith": last4}
            )
            if matches.exists():
                remember_code(request, code)
                return redirect(status_url_name, code=code)
            form.add_error(None, _("No report matches this code and these digits."))
    other_url, other_label = other or (None, None)
    context = {"form": form, "title": title, "other_url": other_url, "other_label": other_label}
    return render(request, "governance/track.html", context, status=400 if form.errors else 200)


def known_or_none(request, queryset, code):
    """The item with this code, if this browser session may see it."""
    code = normalise_code(code)
    return queryset.filter(tracking_code=code).first() if knows_code(request, code) else None
