"""Service stations: the public finder and station pages, the staff pages (amenity status
from a phone, the service log, posters) and the 15-minute circle coverage."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from governance import formatting
from governance.downloads import PDF, download
from governance.forms import flash_form_errors
from governance.models import NodeKind, OrgNode
from governance.params import parse_id
from governance.permissions import Perm
from governance.scope import scope_root
from services.stations import circle, posters, service_log
from services.stations.forms import ServiceLogForm, StationFinderForm
from services.stations.models import Amenity, ServiceLog, Station

# --- Public


@require_GET
def finder(request):
    form = StationFinderForm(request.GET or None)
    origin = form.origin() if form.is_valid() else None
    results = []
    if origin is not None:
        data = form.cleaned_data
        results = circle.nearby_listed(
            lat=origin[0],
            lng=origin[1],
            amenity=data["amenity"],
            kind=data["kind"],
            open_now=data["open_now"],
        )
    return render(
        request,
        "services/station_finder.html",
        {"form": form, "origin": origin, "stations": results, "tiles": _tiles(results)},
    )


def _tiles(found):
    """Each station found as its tile: the list is most of the page, and joined here it costs
    a tenth of a template loop."""
    labels = {True: _("Open now"), False: _("Closed now")}
    return [
        format_html(
            '<a href="{}"><strong>{}</strong>\n        <small>{} · {} · {} · {}</small></a>',
            station.url,
            station.name,
            station.kind,
            formatting.distance(station.distance),
            labels[station.is_open],
            station.address,
        )
        for station in found
    ]


@require_GET
def station_page(request, pk):
    station = get_object_or_404(
        Station.objects.filter(active=True).select_related("kind", "node"), pk=pk
    )
    today = timezone.localdate()
    return render(
        request,
        "services/station_page.html",
        {
            "station": station,
            "open_now": Station.objects.filter(pk=pk).open_at(timezone.now()).exists(),
            "week": circle.week_hours(station),
            "exceptions": station.exceptions.filter(
                date__gte=today, date__lte=today + timedelta(days=120)
            ),
            "amenities": station.amenity_states.select_related("amenity").order_by(
                "amenity__ordering"
            ),
            "links": posters.form_links(station, ""),
        },
    )


# --- Staff


def _visible_stations(user):
    return Station.objects.visible_to(user).select_related("kind", "node")


@login_required
@permission_required(Perm.VIEW_STATION, raise_exception=True)
def manage_list(request):
    visible = _visible_stations(request.user)
    since = timezone.localdate().replace(day=1) - timedelta(days=62)
    logs = ServiceLog.objects.visible_to(request.user)
    return render(
        request,
        "services/station_manage_list.html",
        {
            "stations": visible.order_by("node__lft", "name"),
            "totals": service_log.monthly_totals(logs, since=since.replace(day=1)),
            "node_totals": service_log.node_monthly_totals(logs, since=since.replace(day=1)),
        },
    )


@login_required
@permission_required(Perm.VIEW_STATION, raise_exception=True)
def manage_station(request, pk):
    station = get_object_or_404(_visible_stations(request.user), pk=pk)
    offered = list(station.amenity_states.select_related("amenity"))
    return render(
        request,
        "services/station_manage.html",
        {
            "station": station,
            "amenities": offered,
            "not_offered": Amenity.objects.exclude(pk__in=[s.amenity_id for s in offered]),
            "log_form": ServiceLogForm(),
            "logs": station.service_logs.select_related("kind")[:30],
        },
    )


@login_required
@require_POST
def toggle_amenity(request, pk, amenity_id):
    station = get_object_or_404(_visible_stations(request.user), pk=pk)
    amenity = get_object_or_404(Amenity, pk=amenity_id)
    available = request.POST.get("available") == "1"
    try:
        service_log.set_amenity(
            station=station, amenity=amenity, available=available, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.message)
        return redirect("station-manage", pk=pk)
    state = _("available") if available else pgettext("amenity", "temporarily unavailable")
    messages.success(
        request, _("%(amenity)s: %(state)s") % {"amenity": amenity.name, "state": state}
    )
    return redirect("station-manage", pk=pk)


@login_required
@permission_required(Perm.LOG_STATION_SERVICE, raise_exception=True)
@require_POST
def log_service(request, pk):
    station = get_object_or_404(_visible_stations(request.user), pk=pk)
    form = ServiceLogForm(request.POST)
    if form.is_valid():
        service_log.log_service(station=station, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Logged."))
    else:
        flash_form_errors(request, form)
    return redirect("station-manage", pk=pk)


@login_required
@permission_required(Perm.VIEW_STATION, raise_exception=True)
def poster(request, pk):
    station = get_object_or_404(_visible_stations(request.user), pk=pk)
    base_url = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    pdf = posters.poster_pdf(station, base_url)
    return download(request, f"poster-{station.code}.pdf", PDF, pdf, inline=True)


@login_required
@permission_required(Perm.VIEW_STATION, raise_exception=True)
def coverage(request):
    root = scope_root(request.user)
    if root is None and not request.user.is_superuser:
        raise Http404
    streets = OrgNode.objects.filter(kind=NodeKind.STREET).order_by("tree_id")
    if root is None:  # a superuser picks the street
        root = streets.filter(pk=parse_id(request.GET.get("street"))).first() or streets.first()
    if root is None:
        raise Http404
    rows = circle.coverage(root)
    chosen = next(
        (
            r["community"]
            for r in rows
            if r["community"].pk == parse_id(request.GET.get("community"))
        ),
        None,
    )
    return render(
        request,
        "services/station_coverage.html",
        {
            "root": root,
            "rows": rows,
            "chosen": chosen,
            "uncovered": circle.uncovered(chosen)[:500] if chosen else [],
            "radius": circle.CIRCLE_RADIUS_M,
        },
    )
