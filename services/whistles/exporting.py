"""The staff whistle list as a workbook: the rows the list shows (its filters and the
viewer's scope), the residents' names and mobiles masked — a file travels further than a page.
Written through governance/workbooks.py: a title row (the viewer's place, as of today), a
frozen header, widths, and real date-time cells."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.masking import mask_mobile, mask_name
from governance.workbooks import DATETIME, Column


def _place(whistle):
    place = whistle.building.place if whistle.building_id else whistle.community.place
    return f"{place} {whistle.address}".strip()


def _handled_by(whistle):
    if whistle.lead_department_id:
        return whistle.lead_department.name
    return whistle.assigned_grid.place if whistle.assigned_grid_id else ""


def _columns():
    return [
        Column(_("tracking code")),
        Column(_("category")),
        Column(_("status")),
        Column(_("community")),
        Column(_("place")),
        Column(_("reported"), DATETIME),
        Column(_("dispatch due"), DATETIME),
        Column(_("resolution due"), DATETIME),
        Column(_("handled by")),
        Column(_("resolved"), DATETIME),
        Column(_("reporter")),
        Column(_("mobile")),
        Column(_("description"), width=60),
    ]


def _row(w):
    return (
        w.tracking_code,
        w.category.name,
        w.get_status_display(),
        w.community.place,
        _place(w),
        w.created_at,
        w.dispatch_due,
        w.resolve_due,
        _handled_by(w),
        w.resolved_at,
        mask_name(w.reporter_name),
        mask_mobile(w.reporter_mobile),
        w.description,
    )


def write_whistles_workbook(whistles, stream, *, place):
    """`whistles`: the list's queryset (select_related as the list reads it), streamed;
    `place`: whose whistles they are, for the title row."""
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=_("Whistles"),
        title=workbooks.heading(place, as_of=timezone.now()),
        columns=_columns(),
        rows=(_row(w) for w in whistles.iterator(chunk_size=2000)),
    )
    workbook.save(stream)
