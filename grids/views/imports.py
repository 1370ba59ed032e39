"""Cadres' Excel import of the grid registers (upload → dry-run preview → confirm), the blank
template, and the export of the registers of the cadre's subtree."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from governance import workbooks
from governance.downloads import XLSX, download
from governance.permissions import Perm
from governance.scope import scope_root, sees_everything
from governance.sheet_imports import Importer
from grids import exporting, importing

REGISTERS = Importer(
    session_key="grids-import",
    columns=importing.COLUMNS,
    apply=importing.apply,
    left_out=importing.LEFT_OUT,
    title=gettext_lazy("Import the registers"),
    intro=gettext_lazy("One row per resident."),
    notes=gettext_lazy(
        "* required. Building code as in the organisation tree; tags separated by commas or "
        "、; party member and unit head 是 or 否. Importing a file again changes nothing: blank "
        "cells keep what is on record, tags are only added, and 否 in party member removes "
        "the 党员 tag."
    ),
    summary=lambda outcome: (
        _(
            "%(valid)s rows can be imported: %(created)s new residents, %(updated)s updated, "
            "%(unchanged)s unchanged; %(households)s new households."
        )
        % outcome.counts()
    ),
    done_message=lambda outcome: (
        _(
            "Imported: %(created)d residents added, %(updated)d updated, %(unchanged)d "
            "unchanged; %(households)d households added."
        )
        % outcome.counts()
    ),
    url_name="grids-import",
    template_url="grids-import-template",
    left_out_url="grids-import-rejected",
    export_url="grids-export",
    export_label=gettext_lazy("Export the registers of your area (.xlsx)"),
)


@login_required
@permission_required(Perm.ADD_HOUSEHOLD, raise_exception=True)
def import_page(request):
    return REGISTERS.run(request)


@login_required
@permission_required(Perm.ADD_HOUSEHOLD, raise_exception=True)
@require_GET
def import_template(request):
    response = download(request, "registers-template.xlsx", XLSX)
    exporting.write_template(response)
    return response


@login_required
@permission_required(Perm.ADD_HOUSEHOLD, raise_exception=True)
@require_GET
def rejected_rows(request):
    """The rows the cadre's latest preview or import left out, with the reasons: only from
    their own session, so nobody else's rows can be asked for."""
    rows = importing.LEFT_OUT.kept(request.session, user=request.user)
    if not rows:
        raise Http404(_("No rows were left out of your latest import."))
    root = scope_root(request.user)
    today = timezone.localdate()
    title = workbooks.heading(workbooks.area_name(root), as_of=today)
    name = f"import-rows-left-out-{today.isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    importing.LEFT_OUT.write_workbook(rows, title=title, stream=response)
    return response


@login_required
@permission_required(Perm.VIEW_RESIDENT, raise_exception=True)
@require_GET
def export(request):
    root = scope_root(request.user)
    if root is None and not sees_everything(request.user):
        raise PermissionDenied  # staff with no place in the tree see no registers
    code = root.code if root else "all"
    name = f"registers-{code}-{timezone.localdate().isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    exporting.write_registers_workbook(user=request.user, stream=response)
    return response
