"""The resident's whistle pages: no login, phone first. Reporting, tracking by code plus the
last four digits of the mobile, and rating."""

from django.contrib import messages
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.downloads import private_file
from governance.models import NodeKind, OrgNode
from governance.params import parse_id
from governance.public import (
    ip_limit_wait,
    known_or_none,
    knows_code,
    lookup_view,
    mobile_limit_wait,
    normalise_code,
    submission_view,
    submitted_page,
    too_many_requests,
)
from governance.workflow import TransitionError
from services.whistles import duplicates, intake, rating
from services.whistles.forms import RatingForm, SupportForm, WhistleReportForm, support_token
from services.whistles.models import Status, Whistle, WhistlePhoto


def _report_page():
    return {
        "title": gettext_lazy("Blow the whistle on a problem"),
        "intro": gettext_lazy(
            "Your community receives it, sends it to the right "
            "department, and you can follow it with the tracking code."
        ),
        "submit_label": gettext_lazy("Send"),
        "track_url": reverse("whistle-track"),
    }


def _similar_page(request, form):
    """已有人反映: when a report names a building with open whistles of the same kind, show
    them (kind, status and date only) before filing another; None when there are none or the
    resident chose to send theirs as new."""
    if request.POST.get("as_new"):
        return None
    if form.is_bot() or not form.is_valid():
        return None  # the toolkit answers bots, errors and rate limits as for any report
    data = form.cleaned_data
    similar = duplicates.open_similar(category=data["category"], building=data.get("building"))
    if not similar:
        return None
    # The report's own limit, counted here once, so the page cannot be probed without one.
    wait = ip_limit_wait(request, group="whistle-report")
    if wait:
        context = {**_report_page(), "form": form, "photos_dropped": bool(request.FILES)}
        return too_many_requests(
            request, wait, template="governance/public_form.html", context=context
        )
    return render(
        request,
        "services/whistle_similar.html",
        {
            "similar": [(w, support_token(w)) for w in similar],
            "mobile": data["reporter_mobile"],
            "support_form": SupportForm(),
            "resend": [
                (name, value)
                for name in form.fields
                if name not in ("photos", "website")
                for value in request.POST.getlist(name)
            ],
            "photos": form["photos"],
        },
    )


@require_http_methods(["GET", "POST"])
def report(request):
    form = None
    if request.method == "POST":
        form = WhistleReportForm(request.POST, request.FILES)
        similar = _similar_page(request, form)
        if similar is not None:
            return similar
    return submission_view(
        request,
        form_class=WhistleReportForm,
        submit=intake.submit_whistle,
        group="whistle-report",
        mobile_field="reporter_mobile",
        done_url=lambda w: reverse("whistle-submitted", args=[w.tracking_code]),
        page=_report_page(),
        form=form,
    )


@require_POST
def support(request):
    """附议: a resident adds their voice to an open whistle (honeypot, rate limits per address
    and per mobile, as for a report)."""
    template = "services/whistle_supported.html"
    form = SupportForm(request.POST)
    if form.is_bot():  # looks like success to the bot; nothing is saved
        return render(request, template, {"whistle": None})
    wait = ip_limit_wait(request, group="whistle-support")
    if wait:
        return too_many_requests(request, wait)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    wait = mobile_limit_wait(request, group="whistle-support", mobile=form.cleaned_data["mobile"])
    if wait:
        return too_many_requests(request, wait)
    try:
        whistle, _added = duplicates.support_whistle(
            whistle=form.cleaned_data["token"], mobile=form.cleaned_data["mobile"]
        )
    except TransitionError as error:
        return render(request, template, {"refused": error.message}, status=409)
    return render(request, template, {"whistle": whistle, "voices": whistle.supporters.count()})


@require_GET
def submitted(request, code):
    return submitted_page(request, code, status_url_name="whistle-status")


@require_GET
def community_buildings(request):
    """The buildings of a community, by the names residents use, for the forms' lists."""
    community = parse_id(request.GET.get("community"))
    if community is None:
        return JsonResponse({"buildings": []})
    buildings = (
        OrgNode.objects.filter(kind=NodeKind.BUILDING, parent__parent_id=community)
        .order_by("lft")
        .values("id", label=Coalesce(NullIf("place_name", Value("")), "name"))
    )
    return JsonResponse({"buildings": [{"id": b["id"], "name": b["label"]} for b in buildings]})


@require_http_methods(["GET", "POST"])
def track(request):
    return lookup_view(
        request,
        model=Whistle,
        mobile_field="reporter_mobile",
        status_url_name="whistle-status",
        title=_("Follow a report"),
        other=(reverse("wish-track"), _("Following a micro-wish? Look it up here.")),
    )


@require_GET
def status(request, code):
    whistle = known_or_none(request, Whistle.objects.select_related("category"), code)
    if whistle is None:
        return redirect(f"{reverse('whistle-track')}?code={normalise_code(code)}")
    return render(
        request,
        "services/status.html",
        {
            "whistle": whistle,
            "events": whistle.events.filter(public=True).order_by("at", "pk"),
            "photos": whistle.photos.filter(stage="resolution"),
            "rating_form": RatingForm() if whistle.status == Status.RESOLVED else None,
        },
    )


@require_POST
def rate(request, code):
    whistle = known_or_none(request, Whistle.objects.all(), code)
    if whistle is None:
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please answer both questions."))
    else:
        try:
            rating.rate_whistle(whistle=whistle, **form.cleaned_data)
            messages.success(request, _("Thank you for your rating."))
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("whistle-status", code=whistle.tracking_code)


@require_GET
def photo(request, pk):
    """Photos are personal data: staff who see the whistle get them all; the resident who
    reported it (known to this session) gets the photos of the result. Never a public URL."""
    picture = get_object_or_404(WhistlePhoto.objects.select_related("whistle"), pk=pk)
    whistle = picture.whistle
    staff = (
        request.user.is_authenticated
        and Whistle.objects.visible_to(request.user).filter(pk=whistle.pk).exists()
    )
    resident = picture.stage == WhistlePhoto.Stage.RESOLUTION and knows_code(
        request, whistle.tracking_code
    )
    if not (staff or resident):
        raise Http404
    return private_file(picture.image)
