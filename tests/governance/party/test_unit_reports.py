"""Units reporting to the community they sit in: the contact reports once per community,
within the unit's street; the community signs and the contact gets the receipt."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import Notification, PartnerUnit
from governance.party import reporting
from governance.party.models import UnitReport
from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(small_tree):
    user = UserFactory(node=small_tree.community_a, full_name="刘志远")
    unit = PartnerUnit.objects.create(name="区税务局", node=small_tree.community_a)
    unit.contacts.add(user)
    return user


def unit_of(user):
    return PartnerUnit.objects.get(contacts=user)


def test_the_contact_reports_once_to_a_community_of_the_units_street(small_tree, contact):
    unit = unit_of(contact)
    slip = reporting.report_unit(
        contact, unit, small_tree.community_b, members_count=23, offer="会议室、法律顾问"
    )
    assert (slip.contact, slip.members_count, slip.signed_at) == (contact, 23, None)
    with pytest.raises(ValidationError):
        reporting.report_unit(contact, unit, small_tree.community_b, members_count=1, offer="x")
    other_street = NodeFactory(parent=NodeFactory(name="东风街道党工委"), name="东湖社区党委")
    with pytest.raises(ValidationError):
        reporting.report_unit(contact, unit, other_street, members_count=1, offer="x")
    with pytest.raises(ValidationError):
        reporting.report_unit(contact, unit, small_tree.grid_a, members_count=1, offer="x")
    with pytest.raises(PermissionDenied):
        reporting.report_unit(
            UserFactory(), unit, small_tree.community_a, members_count=1, offer="x"
        )
    assert UnitReport.objects.count() == 1


def test_the_community_signs_and_the_contact_gets_the_receipt_once(
    small_tree, contact, cadre_a, cadre_b, client_for
):
    slip = reporting.report_unit(
        contact, unit_of(contact), small_tree.community_a, members_count=5, offer="场地"
    )
    sign = reverse("party-unit-report-sign", args=[slip.pk])
    assert client_for(cadre_b).post(sign).status_code == 404  # another community's slip
    manage = client_for(cadre_a).get(reverse("party-posts-manage")).content.decode()
    assert "区税务局" in manage
    client_for(cadre_a).post(sign)
    client_for(cadre_a).post(sign)
    slip.refresh_from_db()
    assert slip.signed_by == cadre_a
    assert Notification.objects.filter(recipient=contact).count() == 1


def test_the_unit_report_page(client_for, small_tree, contact):
    client = client_for(contact)
    assert client.get(reverse("party-unit-report")).status_code == 200
    bad = client.post(reverse("party-unit-report"), {"unit": unit_of(contact).pk})
    assert bad.status_code == 200 and not UnitReport.objects.exists()
    client.post(
        reverse("party-unit-report"),
        {
            "unit": unit_of(contact).pk,
            "community": small_tree.community_a.pk,
            "members_count": 12,
            "offer": "会议室",
        },
    )
    assert UnitReport.objects.get().members_count == 12
    page = client.get(reverse("party-unit-report")).content.decode()
    assert "红旗" in page
    # Only a unit's contacts report for it.
    stranger = UserFactory(node=small_tree.community_a)
    assert client_for(stranger).get(reverse("party-unit-report")).status_code == 403
