"""爱心联系牌: the contact card a vulnerable resident keeps by the door or the phone — who
helps them and how to reach that person — as a printable PDF (A6, Chinese)."""

import io

from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from governance.pdf import cjk_font


def contact_card_pdf(record):
    font = cjk_font()
    resident, helper = record.resident, record.helper
    community = resident.household.building.parent.parent
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A6)
    width, height = A6
    pdf.setTitle(_("Contact card"))
    pdf.setFillColor(HexColor("#c8102e"))
    pdf.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 14 * mm, _("Caring contact card"))
    pdf.setFillColor(HexColor("#222222"))
    lines = [
        (12, _("For: %(name)s") % {"name": resident.name}),
        (12, _("Your helper: %(name)s") % {"name": helper.full_name or helper.username}),
        (16, _("Phone: %(phone)s") % {"phone": helper.mobile or "—"}),
        (10, _("Visits every %(days)d days") % {"days": record.visit_every_days}),
        (10, _("%(community)s community office") % {"community": community.place}),
    ]
    y = height - 34 * mm
    for size, text in lines:
        pdf.setFont(font, size)
        pdf.drawString(10 * mm, y, text)
        y -= (size + 6) * 0.35 * mm * 3
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
