"""Feedback to the workplace (反馈): each quarter, per unit, a letter (PDF, Chinese) and a
workbook listing its members' services in the community, made once by beat and sent to the
unit's contacts; and the yearly appraisal (评议) of reported members and units, which the
letters carry."""

import io
from datetime import date, timedelta
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance import workbooks
from governance.models import PartnerUnit, Role
from governance.notifications import notify
from governance.party import service_card
from governance.party.models import Appraisal, FeedbackLetter, PartyMember
from governance.pdf import cjk_font
from governance.permissions import Perm
from governance.scope import in_scope
from governance.workbooks import DATE, HOURS, Column


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end  # end excluded


def previous_quarter(today):
    year, quarter = quarter_of(today)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def services(letter):
    """[(member, [Entry…])] of the unit's members in the letter's quarter, by name."""
    members = list(PartyMember.objects.filter(unit=letter.unit).select_related("node"))
    start, end = quarter_bounds(letter.year, letter.quarter)
    found = service_card.entries_for(members, letter.year)
    return [
        (member, [entry for entry in found.get(member.pk, []) if start <= entry.on < end])
        for member in sorted(members, key=lambda m: m.name)
    ]


def ratings(letter):
    """The year's appraisals of the unit and of its members: (unit's, {member id: rating})."""
    found = Appraisal.objects.filter(
        Q(unit=letter.unit) | Q(member__unit=letter.unit), year=letter.year
    )
    unit_rating, members = None, {}
    for appraisal in found:
        if appraisal.unit_id:
            unit_rating = appraisal.get_rating_display()
        else:
            members[appraisal.member_id] = appraisal.get_rating_display()
    return unit_rating, members


def _title(letter):
    return _("Feedback on the community service of %(unit)s's party members, %(year)d Q%(q)d") % {
        "unit": letter.unit.name,
        "year": letter.year,
        "q": letter.quarter,
    }


def letter_pdf(letter):
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18)
    heading = ParagraphStyle("heading", parent=body, fontSize=15, leading=22, alignment=1)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=_title(letter)
    )
    start, end = quarter_bounds(letter.year, letter.quarter)
    unit_rating, member_ratings = ratings(letter)
    rows = services(letter)
    story = [
        Paragraph(escape(_title(letter)), heading),
        Spacer(0, 6 * mm),
        Paragraph(escape(_("To %(unit)s:") % {"unit": letter.unit.name}), body),
        Paragraph(
            escape(
                _(
                    "From %(start)s to %(end)s your party members reported to our community "
                    "served %(count)d times, as listed below. Thank you for your support."
                )
                % {
                    "start": start.isoformat(),
                    "end": (end - timedelta(days=1)).isoformat(),
                    "count": sum(len(entries) for _member, entries in rows),
                }
            ),
            body,
        ),
    ]
    if unit_rating:
        story.append(
            Paragraph(
                escape(
                    _("The community rated the unit for %(year)d: %(rating)s.")
                    % {"year": letter.year, "rating": unit_rating}
                ),
                body,
            )
        )
    story.append(Spacer(0, 4 * mm))
    table = [
        [
            _("Party member"),
            pgettext("count", "Services"),
            pgettext("appraisal", "Rating"),
            _("What they did"),
        ]
    ]
    for member, entries in rows:
        table.append(
            [
                member.name,
                str(len(entries)),
                member_ratings.get(member.pk, "–"),
                Paragraph(
                    escape("；".join(f"{e.on:%m-%d} {e.what}" for e in entries) or "–"), body
                ),
            ]
        )
    grid = Table(table, colWidths=[30 * mm, 18 * mm, 24 * mm, 98 * mm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, "#999999"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        grid,
        Spacer(0, 8 * mm),
        Paragraph(escape(letter.unit.node.place), body),
        Paragraph(timezone.localdate().isoformat(), body),
    ]
    document.build(story)
    return buffer.getvalue()


def write_letter_workbook(letter, stream):
    workbook = Workbook(write_only=True)
    _unit_rating, member_ratings = ratings(letter)
    workbooks.write_table(
        workbook,
        sheet_title=pgettext("feedback sheet", "Services"),
        title=_title(letter),
        columns=[
            Column(_("Party member")),
            Column(_("Date"), DATE),
            Column(_("Kind")),
            Column(_("Service")),
            Column(_("Hours"), HOURS),
            Column(pgettext("appraisal", "Rating")),
        ],
        rows=(
            [
                member.name,
                entry.on,
                str(entry.kind),
                entry.what,
                entry.hours,
                member_ratings.get(member.pk, ""),
            ]
            for member, entries in services(letter)
            for entry in entries
        ),
    )
    workbook.save(stream)


def send_letters(today=None):
    """The last quarter's letter for every unit with members on the roster, made once; its
    contacts told once. Safe to run again (beat runs it daily)."""
    year, quarter = previous_quarter(today or timezone.localdate())
    units = PartnerUnit.objects.filter(party_members__isnull=False).distinct()
    made = 0
    for unit in units:
        with transaction.atomic():
            letter, created = FeedbackLetter.objects.get_or_create(
                unit=unit, year=year, quarter=quarter
            )
            letter = FeedbackLetter.objects.select_for_update().get(pk=letter.pk)
            if letter.notified_at is None:
                notify(
                    list(unit.contacts.all()),
                    title=_title(letter),
                    url=reverse("party-letters"),
                )
                letter.notified_at = timezone.now()
                letter.save(update_fields=["notified_at"])
            made += created
    return made


def letters_for(user):
    """The letters of the units the user is a contact of, or, for the community cadres who
    write them, of the units of their area. The letters name members in full, as the unit
    knows them: the street does not read them."""
    mine = Q(unit__contacts=user)
    if user.is_superuser or user.role == Role.COMMUNITY_CADRE:
        mine |= Q(unit__in=PartnerUnit.objects.visible_to(user))
    return FeedbackLetter.objects.filter(mine).distinct().select_related("unit")


def appraise(user, *, year, community, rating, member=None, unit=None):
    """The community's rating for the year (a second one replaces the first)."""
    if not (user.has_perm(Perm.ADD_PARTY_MEMBER) and in_scope(user, community)):
        raise PermissionDenied
    appraisal, _created = Appraisal.objects.update_or_create(
        year=year,
        community=community,
        member=member,
        unit=unit,
        defaults={"rating": rating, "by": user},
    )
    return appraisal
