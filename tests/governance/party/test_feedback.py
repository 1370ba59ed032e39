"""Quarterly feedback letters to the units (made once, contacts told once, the PDF holding
the members' services and the year's ratings) and the yearly appraisal."""

from datetime import date
from io import BytesIO

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import Notification, PartnerUnit
from governance.party import feedback
from governance.party.models import (
    Appraisal,
    FeedbackLetter,
    PartyMember,
    Rating,
    ServiceEntry,
    UnitReport,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(small_tree):
    found = PartnerUnit.objects.create(name="区税务局", node=small_tree.community_a)
    found.contacts.add(UserFactory(username="contact", node=small_tree.community_a))
    member = PartyMember.objects.create(node=small_tree.community_a, name="欧阳娜娜", unit=found)
    ServiceEntry.objects.create(member=member, on=date(2026, 8, 9), what="社区义诊")
    ServiceEntry.objects.create(member=member, on=date(2026, 2, 1), what="上季度的服务")
    return found


def text_of(pdf):
    document = pypdfium2.PdfDocument(pdf)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_quarters():
    assert feedback.quarter_bounds(2026, 3) == (date(2026, 7, 1), date(2026, 10, 1))
    assert feedback.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    assert feedback.previous_quarter(date(2026, 1, 5)) == (2025, 4)
    assert feedback.previous_quarter(date(2026, 10, 1)) == (2026, 3)


def test_the_letters_are_made_once_and_the_contacts_told_once(unit):
    assert feedback.send_letters(date(2026, 10, 2)) == 1
    assert feedback.send_letters(date(2026, 10, 3)) == 0
    letter = FeedbackLetter.objects.get()
    assert (letter.year, letter.quarter, letter.unit) == (2026, 3, unit)
    assert Notification.objects.filter(recipient__username="contact").count() == 1


def test_the_letter_holds_the_quarters_services_and_the_ratings(unit, cadre_a, small_tree):
    feedback.send_letters(date(2026, 10, 2))
    letter = FeedbackLetter.objects.get()
    member = PartyMember.objects.get()
    feedback.appraise(
        cadre_a, year=2026, community=small_tree.community_a, rating=Rating.EXCELLENT, unit=unit
    )
    feedback.appraise(
        cadre_a, year=2026, community=small_tree.community_a, rating=Rating.QUALIFIED, member=member
    )
    text = text_of(feedback.letter_pdf(letter))
    assert "区税务局" in text and "欧阳娜娜" in text and "社区义诊" in text
    assert "上季度的服务" not in text
    assert str(Rating.EXCELLENT.label) in text and str(Rating.QUALIFIED.label) in text
    stream = BytesIO()
    feedback.write_letter_workbook(letter, stream)
    cells = {c for row in load_workbook(stream).active.iter_rows(values_only=True) for c in row}
    assert "社区义诊" in cells and "上季度的服务" not in cells


def test_a_second_rating_replaces_the_first_and_only_the_community_rates(
    unit, cadre_a, cadre_b, street_cadre, small_tree
):
    member = PartyMember.objects.get()
    for rating in (Rating.BASIC, Rating.EXCELLENT):
        feedback.appraise(
            cadre_a, year=2026, community=small_tree.community_a, rating=rating, member=member
        )
    assert Appraisal.objects.get().rating == Rating.EXCELLENT
    for outsider in (cadre_b, street_cadre):
        with pytest.raises(PermissionDenied):
            feedback.appraise(
                outsider, year=2026, community=small_tree.community_a, rating="x", member=member
            )


def test_the_letter_pages_for_the_contact_the_community_and_nobody_else(
    unit, client_for, cadre_a, cadre_b, street_cadre, small_tree
):
    feedback.send_letters(date(2026, 10, 2))
    letter = FeedbackLetter.objects.get()
    for user in (unit.contacts.get(), cadre_a):
        client = client_for(user)
        assert letter.unit.name in client.get(reverse("party-letters")).content.decode()
        pdf = client.get(reverse("party-letter-pdf", args=[letter.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get(reverse("party-letter-xlsx", args=[letter.pk])).status_code == 200
    for outsider in (cadre_b, street_cadre, UserFactory()):
        assert (
            client_for(outsider).get(reverse("party-letter-pdf", args=[letter.pk])).status_code
            == 404
        )


def test_rating_from_the_pages(unit, client_for, cadre_a, street_cadre, small_tree):
    member = PartyMember.objects.get()
    slip = UnitReport.objects.create(
        unit=unit, community=small_tree.community_a, members_count=3, offer="x"
    )
    client = client_for(cadre_a)
    client.post(reverse("party-member-appraise", args=[member.pk]), {"rating": Rating.QUALIFIED})
    client.post(reverse("party-unit-appraise", args=[slip.pk]), {"rating": Rating.EXCELLENT})
    client.post(reverse("party-unit-appraise", args=[slip.pk]), {"rating": "nonsense"})
    assert sorted(Appraisal.objects.values_list("rating", flat=True)) == [
        Rating.EXCELLENT,
        Rating.QUALIFIED,
    ]
    url = reverse("party-member-appraise", args=[member.pk])
    assert client_for(street_cadre).post(url, {"rating": Rating.UNQUALIFIED}).status_code == 403
