"""Cadres' Excel import of the grid registers (upload → dry-run preview → confirm), the blank
template, and the export of the registers of the cadre's subtree."""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from governance import workbooks
from governance.downloads import XLSX, download
from governance.forms import PortalForm
from governance.permissions import Perm
from governance.scope import scope_root, sees_everything
from grids import exporting, importing, rejected

SESSION_KEY = "grids-import"  # the previewed rows, waiting for the confirm
ERRORS_SHOWN = 500


class ImportForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    def clean_file(self):
        return importing.parse_workbook(self.cleaned_data["file"])


@login_required
@permission_required(Perm.ADD_HOUSEHOLD, raise_exception=True)
def import_page(request):
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if not form.is_valid():
        left_out = len(rejected.kept(request.session, user=request.user))
        return render(
            request,
            "grids/import.html",
            {"form": form, "columns": importing.COLUMNS, "left_out": left_out},
        )
    rows = form.cleaned_data["file"]
    outcome = importing.apply(rows, user=request.user, dry_run=True)
    # The rows, not the file, wait in the session (server-side, this user's only); the token
    # ties the confirm to this preview, so a stale tab cannot import another file's rows.
    token = secrets.token_urlsafe(12)
    request.session[SESSION_KEY] = {"token": token, "rows": rows}
    rejected.keep(request.session, user=request.user, rows=rows, errors=outcome.errors)
    return render(
        request,
        "grids/import_preview.html",
        {
            "outcome": outcome,
            "token": token,
            "errors": outcome.errors[:ERRORS_SHOWN],
            "errors_cut": len(outcome.errors) > ERRORS_SHOWN,
        },
    )


def _confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not pending or not secrets.compare_digest(pending["token"], request.POST["confirm"]):
        messages.error(request, _("That preview has expired; upload the file again."))
        return redirect("grids-import")
    del request.session[SESSION_KEY]  # a second click imports nothing twice
    # Checked again: the registers or the user's area may have changed since the preview.
    outcome = importing.apply(pending["rows"], user=request.user)
    rejected.keep(request.session, user=request.user, rows=pending["rows"], errors=outcome.errors)
    messages.success(
        request,
        _(
            "Imported: %(created)d residents added, %(updated)d updated, %(unchanged)d "
            "unchanged; %(households)d households added."
        )
        % {
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "households": outcome.households_created,
        },
    )
    if outcome.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d row with errors was not imported.",
                "%(count)d rows with errors were not imported.",
                outcome.skipped,
            )
            % {"count": outcome.skipped},
        )
    return redirect("grids-import")


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
    rows = rejected.kept(request.session, user=request.user)
    if not rows:
        raise Http404(_("No rows were left out of your latest import."))
    root = scope_root(request.user)
    today = timezone.localdate()
    title = workbooks.heading(root.place if root else _("All streets"), as_of=today)
    name = f"import-rows-left-out-{today.isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    rejected.write_workbook(rows, title=title, stream=response)
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
