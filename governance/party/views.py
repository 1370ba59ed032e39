"""The party member roster's pages: the list of the cadre's area, its export, and the
import (upload → preview → confirm) with its blank template and the rows it left out."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from governance import workbooks
from governance.downloads import XLSX, download
from governance.party import roster, roster_import
from governance.party.models import MemberKind, MemberStatus
from governance.permissions import Perm
from governance.scope import scope_root
from governance.sheet_imports import Importer

PER_PAGE = 50


def _counts(outcome):
    return {
        "valid": outcome.valid,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }


ROSTER_IMPORT = Importer(
    session_key="party-roster-import",
    columns=roster_import.COLUMNS,
    apply=roster_import.apply,
    left_out=roster_import.LEFT_OUT,
    title=gettext_lazy("Import the party member roster"),
    intro=gettext_lazy("One row per party member."),
    notes=gettext_lazy(
        "* required. Party organisation code as in the organisation tree (a community party "
        "committee or a grid party branch); membership 正式 or 预备; status 在职, 退休, 流动 or "
        "失联; unit party organisation as a partner unit of your area is named. Members are "
        "known by organisation, name and mobile: importing a file again changes nothing, and "
        "blank cells keep what is on record."
    ),
    summary=lambda outcome: (
        _(
            "%(valid)s rows can be imported: %(created)s new party members, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % _counts(outcome)
    ),
    done_message=lambda outcome: (
        _(
            "Imported: %(created)s party members added, %(updated)s updated, %(unchanged)s "
            "unchanged."
        )
        % _counts(outcome)
    ),
    url_name="party-roster-import",
    template_url="party-roster-template",
    left_out_url="party-roster-left-out",
    export_url="party-roster-export",
    export_label=gettext_lazy("Export the roster of your area (.xlsx)"),
)


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_list(request):
    may_search = roster.may_search_names(request.user)
    filters = roster.Filters.from_query(request.GET, may_search=may_search)
    page = Paginator(roster.members(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/party/roster.html",
        {
            "page": page,
            "rows": [roster.shown(request.user, member) for member in page.object_list],
            "filters": filters,
            "query": filters.query(),
            "may_search": may_search,
            "kinds": MemberKind.choices,
            "statuses": MemberStatus.choices,
            "counts": roster.counts(request.user),
            "may_import": request.user.has_perm(Perm.ADD_PARTY_MEMBER),
        },
    )


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_export(request):
    root = scope_root(request.user)
    code = root.code if root else "all"
    name = f"party-members-{code}-{timezone.localdate().isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    roster.write_workbook(request.user, response)
    return response


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
def roster_import_page(request):
    return ROSTER_IMPORT.run(request)


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_template(request):
    response = download(request, "party-members-template.xlsx", XLSX)
    roster.write_template(response)
    return response


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_left_out(request):
    """The rows the cadre's latest preview or import left out: from their own session only."""
    rows = roster_import.LEFT_OUT.kept(request.session, user=request.user)
    if not rows:
        raise Http404(_("No rows were left out of your latest import."))
    today = timezone.localdate()
    title = workbooks.heading(workbooks.area_name(scope_root(request.user)), as_of=today)
    response = download(
        request, f"party-members-left-out-{today.isoformat()}.xlsx", XLSX, personal=True
    )
    roster_import.LEFT_OUT.write_workbook(rows, title=title, stream=response)
    return response
