"""Volunteer certificates as printable PDFs in Chinese: the honour certificate (荣誉证书) of a
confirmed star award, and the proof of service (志愿服务证明) a volunteer takes to a school, an
employer or a committee, with their approved hours by month and by activity."""

import io
from xml.sax.saxutils import escape

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance.masking import mask_mobile
from governance.pdf import cjk_font
from volunteers.models import HoursKind, HoursStatus, ServiceHours

RED = HexColor("#c8102e")
GOLD = HexColor("#c9a227")
INK = HexColor("#222222")
SHADE = HexColor("#f3e3e5")
MAX_STARS = 5


def _hours(value):
    """12.50 → 12.5, 100.00 → 100."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _date(value):
    return formats.date_format(value, "DATE_FORMAT")


def _name(user):
    return user.full_name or user.username


def issuing_street(community):
    """A star is the street's honour: the home community's street, or the community itself
    when it hangs on no street."""
    if community is None:
        return ""
    return (community.parent or community).name


def star_certificate_pdf(award):
    """A4 landscape honour certificate. `award` comes with its round and its volunteer's
    user and community (with parent) selected."""
    font = cjk_font()
    volunteer = award.volunteer
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4), pageCompression=1)
    width, height = landscape(A4)
    pdf.setTitle(_("Certificate of honour"))
    # Cream paper, a red frame and a thin gold rule inside it.
    pdf.setFillColor(HexColor("#fffaf0"))
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(6)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1.5)
    pdf.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    pdf.setFillColor(RED)
    pdf.setFont(font, 44)
    pdf.drawCentredString(width / 2, height - 50 * mm, _("Certificate of honour"))

    pdf.setFillColor(INK)
    pdf.setFont(font, 20)
    pdf.drawString(40 * mm, height - 75 * mm, _("To %(name)s:") % {"name": _name(volunteer.user)})
    body = ParagraphStyle(
        "body", fontName=font, fontSize=16, leading=28, firstLineIndent=32, wordWrap="CJK"
    )
    text = _(
        "By %(date)s you had given %(hours)s hours of approved volunteer service. After the "
        "rating and its public notice you are recognised as a %(stars)d-star volunteer."
    ) % {
        "date": _date(award.round.rating_date),
        "hours": _hours(award.hours),
        "stars": award.stars,
    }
    paragraph = Paragraph(text, body)
    _w, used = paragraph.wrapOn(pdf, width - 80 * mm, 60 * mm)
    paragraph.drawOn(pdf, 40 * mm, height - 82 * mm - used)

    # The stars earned in gold, the rest of the five hollow.
    size = 40
    filled, hollow = "★" * award.stars, "☆" * (MAX_STARS - award.stars)
    left = (width - stringWidth(filled + hollow, font, size)) / 2
    pdf.setFont(font, size)
    pdf.setFillColor(GOLD)
    pdf.drawString(left, height - 135 * mm, filled)
    pdf.setFillColor(HexColor("#d9d2c0"))
    pdf.drawString(left + stringWidth(filled, font, size), height - 135 * mm, hollow)

    pdf.setFillColor(INK)
    pdf.setFont(font, 16)
    pdf.drawCentredString(
        width / 2, height - 152 * mm, _("Awarded in recognition of your service.")
    )
    right = width - 45 * mm
    issuer = issuing_street(volunteer.community)
    pdf.drawRightString(right, 45 * mm, issuer)
    # Issued when the round was confirmed, so a reprint carries the same date.
    pdf.drawRightString(right, 36 * mm, _date(timezone.localdate(award.confirmed_at)))
    pdf.setFont(font, 9)
    pdf.setFillColor(HexColor("#888888"))
    pdf.drawString(
        40 * mm,
        24 * mm,
        _("Certificate no. %(number)s")
        % {"number": f"{award.round.rating_date:%Y%m%d}-{award.pk:06d}"},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def approved_hours_between(profile, start=None, end=None):
    """The profile's approved hours, dated by their activity's start (local date)."""
    rows = ServiceHours.objects.filter(volunteer=profile, status=HoursStatus.APPROVED)
    if start:
        rows = rows.filter(activity__starts_at__date__gte=start)
    if end:
        rows = rows.filter(activity__starts_at__date__lte=end)
    return rows


def hours_by_month(rows):
    return list(
        rows.annotate(month=TruncMonth("activity__starts_at"))
        .values("month")
        .annotate(total=Sum("hours"))
        .order_by("month")
    )


def hours_by_activity(rows):
    """One line per activity and kind of hours (a volunteer may hold both for one)."""
    return list(
        rows.values(
            "activity",
            "activity__starts_at",
            "activity__title",
            "activity__team__name",
            "activity__team__brand",
            "kind",
        )
        .annotate(total=Sum("hours"))
        .order_by("activity__starts_at", "activity", "kind")
    )


def _ruled(style):
    return [
        ("FONTNAME", (0, 0), (-1, -1), style.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), style.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]


def _table(rows, widths, style):
    """A ruled table, hours in the last column; the header row repeats on each page."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_ruled(style),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def service_proof_pdf(profile, start=None, end=None):
    """A4 proof of service. `profile` comes annotated by stars.with_approved_hours, with its
    user and community selected."""
    font = cjk_font()
    user, community = profile.user, profile.community
    today = timezone.localdate()
    rows = approved_hours_between(profile, start, end)
    months, activities = hours_by_month(rows), hours_by_activity(rows)
    period_total = sum((month["total"] for month in months), 0)

    title = ParagraphStyle(
        "title", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER, textColor=RED
    )
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=20, spaceBefore=10)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    signature = ParagraphStyle("signature", parent=body, alignment=TA_RIGHT)

    statement = _(
        "This is to certify that %(name)s, a registered volunteer, has given %(total)s hours "
        "of approved volunteer service in all."
    ) % {"name": escape(_name(user)), "total": _hours(profile.approved_hours)}
    if start or end:
        statement += " " + _("From %(start)s to %(end)s: %(hours)s hours.") % {
            "start": _date(start) if start else "—",
            "end": _date(end or today),
            "hours": _hours(period_total),
        }
    identity = Table(
        [
            [_("Full name"), _name(user), _("Mobile"), mask_mobile(user.mobile) or "—"],
            [
                _("Registered on"),
                _date(profile.registered_on),
                _("Home community"),
                Paragraph(escape(community.name) if community else "—", cell),
            ],
        ],
        colWidths=[30 * mm, 55 * mm, 30 * mm, 55 * mm],
    )
    identity.setStyle(
        TableStyle(
            [
                *_ruled(cell),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("BACKGROUND", (2, 0), (2, -1), SHADE),
            ]
        )
    )
    story = [
        Paragraph(_("Proof of volunteer service"), title),
        Spacer(1, 6 * mm),
        identity,
        Spacer(1, 5 * mm),
        Paragraph(statement, body),
        Paragraph(_("Hours by month"), heading),
    ]
    if months:
        month_rows = [[_("Month"), _("Hours")]] + [
            [formats.date_format(row["month"], "YEAR_MONTH_FORMAT"), _hours(row["total"])]
            for row in months
        ]
        story += [
            _table(month_rows, [40 * mm, 30 * mm], cell),
            Paragraph(_("Service record"), heading),
            _table(
                [[_("Date"), _("Activity"), _("Team"), _("Kind"), _("Hours")]]
                + [_activity_row(row, cell) for row in activities],
                [22 * mm, 64 * mm, 48 * mm, 18 * mm, 18 * mm],
                cell,
            ),
        ]
    else:
        story.append(Paragraph(_("No approved hours in this period."), body))
    # The closing words, the issuer and the date stay together on one page.
    story.append(
        KeepTogether(
            [
                Spacer(1, 6 * mm),
                Paragraph(_("This is hereby certified."), body),
                Spacer(1, 10 * mm),
                Paragraph(escape(community.name) if community else "", signature),
                Paragraph(_date(today), signature),
            ]
        )
    )

    def footer(pdf, doc):
        pdf.setFont(font, 8)
        pdf.setFillColor(HexColor("#888888"))
        pdf.drawCentredString(
            A4[0] / 2,
            10 * mm,
            _("%(name)s · proof of volunteer service · page %(page)d")
            % {"name": _name(user), "page": doc.page},
        )

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Proof of volunteer service"),
        pageCompression=1,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _activity_row(row, cell):
    brand, team = row["activity__team__brand"], row["activity__team__name"]
    kind = _("Credit") if row["kind"] == HoursKind.CREDIT else _("Honour")
    return [
        f"{timezone.localdate(row['activity__starts_at']):%Y-%m-%d}",
        Paragraph(escape(row["activity__title"]), cell),
        Paragraph(escape(f"{brand}·{team}" if brand else team), cell),
        kind,
        _hours(row["total"]),
    ]
