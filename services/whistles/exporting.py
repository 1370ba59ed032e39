"""The staff whistle list as a workbook: the rows the list shows (its filters and the
viewer's scope), the residents' names and mobiles masked — a file travels further than a page."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.masking import mask_mobile, mask_name


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _place(whistle):
    place = whistle.building.place if whistle.building_id else whistle.community.place
    return f"{place} {whistle.address}".strip()


def _handled_by(whistle):
    if whistle.lead_department_id:
        return whistle.lead_department.name
    return whistle.assigned_grid.place if whistle.assigned_grid_id else ""


COLUMNS = (
    (lambda: _("tracking code"), lambda w: w.tracking_code),
    (lambda: _("category"), lambda w: w.category.name),
    (lambda: _("status"), lambda w: w.get_status_display()),
    (lambda: _("community"), lambda w: w.community.place),
    (lambda: _("place"), _place),
    (lambda: _("reported"), lambda w: _local(w.created_at)),
    (lambda: _("dispatch due"), lambda w: _local(w.dispatch_due)),
    (lambda: _("resolution due"), lambda w: _local(w.resolve_due)),
    (lambda: _("handled by"), _handled_by),
    (lambda: _("resolved"), lambda w: _local(w.resolved_at)),
    (lambda: _("reporter"), lambda w: mask_name(w.reporter_name)),
    (lambda: _("mobile"), lambda w: mask_mobile(w.reporter_mobile)),
    (lambda: _("description"), lambda w: w.description),
)


def write_whistles_workbook(whistles, stream):
    """`whistles`: the list's queryset (select_related as the list reads it), streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Whistles"))
    workbooks.append(sheet, [title() for title, _value in COLUMNS])
    for whistle in whistles.iterator(chunk_size=2000):
        workbooks.append(sheet, [value(whistle) for _title, value in COLUMNS])
    workbook.save(stream)
