"""派单单: the printed work order a department takes to the site — what, where, by when, to
whom — as an A4 PDF in Chinese."""

import io
from textwrap import wrap

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from governance.pdf import cjk_font

LINE = 7 * mm
CHARS_PER_LINE = 38  # CJK characters at 11 pt across the text width


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def work_order_pdf(whistle, *, reporter_name, reporter_mobile, co_departments):
    font = cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setTitle(_("Work order %(code)s") % {"code": whistle.tracking_code})
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, _("Whistle work order (派单单)"))
    place = whistle.building.place if whistle.building_id else whistle.community.place
    handled_by = (
        whistle.lead_department.name
        if whistle.lead_department_id
        else (whistle.assigned_grid.place if whistle.assigned_grid_id else "—")
    )
    rows = [
        (_("Tracking code"), whistle.tracking_code),
        (_("Category"), whistle.category.name),
        (_("Status"), whistle.get_status_display()),
        (_("Community"), whistle.community.place),
        (_("Where"), f"{place} {whistle.address}".strip()),
        (pgettext("time", "Reported"), _when(whistle.created_at)),
        (pgettext("time", "Dispatched"), _when(whistle.dispatched_at)),
        (_("Lead department or grid"), handled_by),
        (_("Co-handling departments"), "、".join(d.name for d in co_departments) or "—"),
        (_("Resolution due"), _when(whistle.resolve_due)),
        (_("Resident"), f"{reporter_name} {reporter_mobile}"),
    ]
    y = height - 40 * mm
    for label, value in rows:
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, y, label)
        pdf.drawString(62 * mm, y, str(value))
        y -= LINE
    y -= LINE / 2
    pdf.drawString(20 * mm, y, pgettext("work order", "Problem"))
    for part in wrap(whistle.description, CHARS_PER_LINE)[:30]:
        pdf.drawString(62 * mm, y, part)
        y -= LINE
    y -= LINE
    for label in (_("Signed for by"), _("Result"), _("Date")):
        pdf.drawString(20 * mm, y, label)
        pdf.line(62 * mm, y - 1 * mm, width - 20 * mm, y - 1 * mm)
        y -= 2 * LINE
    pdf.setFont(font, 8)
    pdf.drawString(20 * mm, 12 * mm, _("Printed %(when)s") % {"when": _when(timezone.now())})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
