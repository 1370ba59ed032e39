"""The resident's pages: no login, phone first. Reporting, tracking by code plus the last four
digits of the mobile, and rating."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.models import NodeKind, OrgNode
from services import intake, rating
from services.forms import RatingForm, TrackForm, WhistleReportForm
from services.models import Status, Whistle, WhistlePhoto
from services.public import normalise_code, rate_limit_wait, too_many_requests
from services.workflow import TransitionError

# Codes this browser session reported or proved it knows (code + last four digits).
SESSION_KEY = "known_whistles"


def _remember(request, code):
    known = request.session.get(SESSION_KEY, [])
    if code not in known:
        request.session[SESSION_KEY] = [*known[-19:], code]


def _prefill(params):
    """QR posters open the form with ?community=ID (and &source=STATION-CODE)."""
    initial = {}
    if params.get("community", "").isdigit():
        initial["community"] = params["community"]
    if params.get("source"):
        initial["source"] = params["source"][:40]
    return initial


@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "GET":
        form = WhistleReportForm(initial=_prefill(request.GET))
        return render(request, "services/report.html", {"form": form})
    form = WhistleReportForm(request.POST, request.FILES)
    if form.is_bot():  # looks like success to the bot; nothing is saved
        return render(request, "services/report_submitted.html", {"code": None})
    wait = rate_limit_wait(
        request, group="whistle-report", mobile=request.POST.get("reporter_mobile", "")[:11]
    )
    if wait:
        return too_many_requests(request, wait)
    if not form.is_valid():
        # Browsers cannot refill a file input: say so when photos were sent.
        context = {"form": form, "photos_dropped": bool(request.FILES)}
        return render(request, "services/report.html", context, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
    whistle = intake.submit_whistle(**data)
    _remember(request, whistle.tracking_code)
    return redirect("whistle-submitted", code=whistle.tracking_code)


@require_GET
def submitted(request, code):
    if code not in request.session.get(SESSION_KEY, []):
        raise Http404
    return render(request, "services/report_submitted.html", {"code": code})


@require_GET
def community_buildings(request):
    """The buildings of a community, for the report form's building list."""
    community = request.GET.get("community", "")
    if not community.isdigit():
        return JsonResponse({"buildings": []})
    buildings = (
        OrgNode.objects.filter(kind=NodeKind.BUILDING, parent__parent_id=community)
        .order_by("lft")
        .values("id", "name")
    )
    return JsonResponse({"buildings": list(buildings)})


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        wait = rate_limit_wait(request, group="whistle-track", lookup=True)
        if wait:
            return too_many_requests(request, wait)
        if form.is_valid():
            code, last4 = form.cleaned_data["code"], form.cleaned_data["last4"]
            if Whistle.objects.filter(tracking_code=code, reporter_mobile__endswith=last4).exists():
                _remember(request, code)
                return redirect("whistle-status", code=code)
            form.add_error(None, _("No report matches this code and these digits."))
    return render(
        request, "services/track.html", {"form": form}, status=400 if form.errors else 200
    )


def _known_whistle(request, code):
    code = normalise_code(code)
    if code not in request.session.get(SESSION_KEY, []):
        return None
    return Whistle.objects.select_related("category").filter(tracking_code=code).first()


@require_GET
def status(request, code):
    whistle = _known_whistle(request, code)
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
    whistle = _known_whistle(request, code)
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
    resident = (
        picture.stage == WhistlePhoto.Stage.RESOLUTION
        and whistle.tracking_code in request.session.get(SESSION_KEY, [])
    )
    if not (staff or resident):
        raise Http404
    response = FileResponse(picture.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
