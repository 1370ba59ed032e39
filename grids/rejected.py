"""The rows an import left out, for the cadre who ran it: kept with their reasons in that
cadre's session (stored server-side, bound to their login) from the preview on, and written
as a workbook in the import's own columns — the values exactly as the cadre typed them,
nothing masked, since they are the cadre's own — so the rows can be mended and uploaded
again (the importer ignores the two columns of reasons)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.workbooks import COUNT, Column
from grids.importing import COLUMNS

SESSION_KEY = "grids-import-rejected"
REASONS_WIDTH = 60


def keep(session, *, user, rows, errors):
    """Remember the rows with errors of the latest preview or import (and forget older ones)."""
    reasons = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
    left_out = [
        {**row, "reasons": "；".join(reasons[row["row"]])} for row in rows if row["row"] in reasons
    ]
    if left_out:
        session[SESSION_KEY] = {"user": user.pk, "rows": left_out}
    else:
        session.pop(SESSION_KEY, None)


def kept(session, *, user):
    """The rows kept for this user, or [] (none, or kept for someone else's login)."""
    stored = session.get(SESSION_KEY)
    return stored["rows"] if stored and stored.get("user") == user.pk else []


def write_workbook(rows, *, title, stream):
    """One sheet: the row number in the uploaded file, why it was left out, then the row's
    cells as typed, under the import's headers in row 1 (the title goes in the page header)."""
    columns = [
        Column(_("Row in the file"), COUNT),
        Column(_("Why it was left out"), width=REASONS_WIDTH),
        *(Column(column.title()) for column in COLUMNS),
    ]
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=_("Rows left out"),
        title=title,
        title_row=False,
        columns=columns,
        rows=([row["row"], row["reasons"], *(row[c.key] for c in COLUMNS)] for row in rows),
    )
    workbook.save(stream)
