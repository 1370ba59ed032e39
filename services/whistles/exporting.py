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
from services.whistles.models import Whistle


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


# What a row reads besides the whistle itself.
ROW_RELATIONS = ("category", "community", "building", "lead_department", "assigned_grid")
CHUNK = 2000


def in_order(whistles, chunk=CHUNK):
    """The whistles of `whistles` (the list's filtered, ordered, scoped queryset) one chunk of
    primary keys at a time, in its order. The keys come from one query; each chunk's rows are
    read by their keys alone with what a row shows — a server-side cursor over the whole
    joined, annotated list was planned for its first rows and took ~0.5 s for a community."""
    keys = list(whistles.values_list("pk", flat=True))
    rows = Whistle.objects.select_related(*ROW_RELATIONS).order_by()
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        by_pk = rows.in_bulk(part)
        yield from (by_pk[pk] for pk in part if pk in by_pk)


def write_whistles_workbook(whistles, stream, *, place):
    """`whistles`: the list's queryset, in the list's order; `place`: whose whistles they
    are, for the title row."""
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=_("Whistles"),
        title=workbooks.heading(place, as_of=timezone.now()),
        columns=_columns(),
        rows=(_row(w) for w in in_order(whistles)),
    )
    workbook.save(stream)
