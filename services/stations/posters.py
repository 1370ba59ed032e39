"""QR posters (A4 PDF, Chinese): a station's codes open the whistle and wish forms
pre-filled with the station and its community."""

import io
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from governance.pdf import cjk_font
from governance.qr import qr_drawing

RED = HexColor("#c8102e")


def form_links(station, base_url):
    """The pre-filled resident form URLs a station's poster carries."""
    params = {"source": station.code}
    community = station.community
    if community is not None:
        params = {"community": community.pk, **params}
    query = urlencode(params)
    return {
        "report": f"{base_url}{reverse('whistle-report')}?{query}",
        "wish": f"{base_url}{reverse('wish-post')}?{query}",
    }


def _qr(pdf, url, x, y, size):
    renderPDF.draw(qr_drawing(url, size), pdf, x, y)


def poster_pdf(station, base_url):
    links = form_links(station, base_url)
    font = cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(station.name)
    width, height = A4
    pdf.setFillColor(RED)
    pdf.rect(0, height - 45 * mm, width, 45 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 25 * mm, station.name)
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 37 * mm, f"{station.kind} · {station.address}")
    pdf.setFillColor(HexColor("#222222"))
    size = 70 * mm
    for column, (key, title, hint) in enumerate(
        (
            (
                "report",
                _("Report a problem"),
                _("Scan to blow the whistle: the community handles it"),
            ),
            ("wish", _("Post a micro-wish"), _("Scan to post a small wish for you or a neighbour")),
        )
    ):
        x = width / 4 + column * width / 2
        pdf.setFont(font, 20)
        pdf.drawCentredString(x, height - 70 * mm, title)
        _qr(pdf, links[key], x - size / 2, height - 150 * mm, size)
        pdf.setFont(font, 10)
        pdf.drawCentredString(x, height - 158 * mm, hint)
    pdf.setFont(font, 12)
    y = height - 180 * mm
    if station.services:
        pdf.drawString(
            20 * mm, y, _("Services: %(services)s") % {"services": station.services[:60]}
        )
        y -= 8 * mm
    if station.contact_phone:
        pdf.drawString(
            20 * mm,
            y,
            _("Contact: %(name)s %(phone)s")
            % {"name": station.contact_name, "phone": station.contact_phone},
        )
    pdf.setFont(font, 9)
    pdf.drawCentredString(
        width / 2,
        15 * mm,
        _("Station code %(code)s · 15-minute service circle") % {"code": station.code},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
