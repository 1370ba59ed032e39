"""The service card counts exactly what the portal recorded of the member in the year: their
approved hours, the micro-wishes they claimed that were lit, what the community wrote — and
nothing of another member, another year, or hours not approved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import Notification
from governance.party import service_card
from governance.party.models import MemberReport, PartyMember, ServiceEntry, ServiceRequirement
from services.wishes.models import Wish, WishCategory, WishFor, WishStatus
from tests.volunteers.conftest import make_activity
from volunteers.models import HoursKind, HoursStatus, ServiceHours

pytestmark = pytest.mark.django_db


def hours(service, user, status, starts_at, title):
    activity = make_activity(service.team, starts_at=starts_at, title=title)
    return ServiceHours.objects.create(
        volunteer=user.volunteer,
        activity=activity,
        kind=HoursKind.HONOUR,
        hours=Decimal("2.5"),
        status=status,
        reason="x",
    )


def wish(community, claimer, status, confirmed_at, text):
    return Wish.objects.create(
        tracking_code=text[:8],
        community=community,
        node=community,
        wish_for=WishFor.ELDERLY,
        category=WishCategory.DAILY,
        text=text,
        poster_name="李奶奶",
        poster_mobile="13800001111",
        status=status,
        claimer=claimer,
        confirmed_at=confirmed_at,
    )


@pytest.fixture
def world(service, small_tree, cadre_a):
    now = timezone.now()
    this_year = now.replace(month=3, day=10)
    last_year = this_year.replace(year=now.year - 1)
    alice, bob = service.alice, service.bob
    member = PartyMember.objects.create(node=small_tree.community_a, name="王爱丽", user=alice)
    other = PartyMember.objects.create(node=small_tree.community_a, name="赵小波", user=bob)
    hours(service, alice, HoursStatus.APPROVED, this_year, "助老探访")
    hours(service, alice, HoursStatus.PENDING, this_year, "未审核")
    hours(service, alice, HoursStatus.APPROVED, last_year, "去年的活动")
    hours(service, bob, HoursStatus.APPROVED, this_year, "别人的活动")
    community = small_tree.community_a
    wish(community, alice, WishStatus.CONFIRMED, this_year, "李奶奶想要一台收音机")
    wish(community, alice, WishStatus.CLAIMED, None, "还没点亮的心愿")
    wish(community, bob, WishStatus.CONFIRMED, this_year, "别人点亮的心愿")
    service_card.add_entry(cadre_a, member, on=this_year.date(), what="楼道清扫", hours=None)
    ServiceEntry.objects.create(member=other, on=this_year.date(), what="别人的服务")
    return member, other


def test_the_card_counts_exactly_what_was_recorded(world):
    member, _other = world
    card = service_card.card(member, timezone.localdate().year)
    assert sorted(entry.what for entry in card.entries) == [
        "助老探访",
        "李奶奶想要一台收音机",
        "楼道清扫",
    ]
    assert card.hours == Decimal("2.5")
    assert (card.count, card.required, card.behind) == (3, 4, True)
    assert [e.what for e in service_card.card(member, timezone.localdate().year - 1).entries] == [
        "去年的活动"
    ]


def test_the_streets_requirement_decides_who_is_behind(world, small_tree):
    member, _other = world
    ServiceRequirement.objects.create(street=small_tree.street, services_per_year=3)
    card = service_card.card(member, timezone.localdate().year)
    assert (card.required, card.behind) == (3, False)


def test_only_the_members_community_writes_on_the_card_and_not_ahead(world, cadre_b, cadre_a):
    member, _other = world
    with pytest.raises(PermissionDenied):
        service_card.add_entry(cadre_b, member, on=date.today(), what="x", hours=None)
    with pytest.raises(ValidationError):
        service_card.add_entry(
            cadre_a, member, on=timezone.localdate() + timedelta(days=1), what="x", hours=None
        )


def test_the_card_page_for_the_member_their_cadres_and_nobody_else(
    world, client_for, cadre_a, cadre_b, street_cadre, small_tree
):
    member, other = world
    url = reverse("party-member-card", args=[member.pk])
    own = client_for(member.user).get(url)
    assert own.status_code == 200 and "助老探访" in own.content.decode()
    assert client_for(member.user).get(reverse("party-my-card")).url == url
    assert client_for(other.user).get(url).status_code == 404
    assert client_for(cadre_b).get(url).status_code == 404
    street = client_for(street_cadre).get(url).content.decode()
    assert "王某" in street and "王爱丽" not in street
    response = client_for(cadre_a).post(
        url, {"on": timezone.localdate().isoformat(), "what": "义诊"}
    )
    assert response.status_code == 302 and member.service_entries.filter(what="义诊").exists()
    assert client_for(street_cadre).post(url, {"on": "2026-01-01", "what": "x"}).status_code == 403


def test_the_roster_shows_this_years_services_in_flat_queries(
    world, client_for, cadre_a, small_tree, django_assert_max_num_queries
):
    client = client_for(cadre_a)
    client.get(reverse("party-roster"))
    PartyMember.objects.bulk_create(
        PartyMember(node=small_tree.grid_a, name=f"党员{i}") for i in range(30)
    )
    # One query per app that feeds the card (three), none per row.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("party-roster"))
    rows = {row.name: row for row in response.context["rows"]}
    assert (rows["王爱丽"].services, rows["王爱丽"].required, rows["王爱丽"].behind) == (3, 4, True)
    assert rows["赵小波"].services == 3  # his hours, his lit wish, his entry


def test_members_behind_are_reminded_once_a_month(world, small_tree):
    member, other = world
    for person in (member, other):
        MemberReport.objects.create(member=person, community=small_tree.community_a)
    ServiceRequirement.objects.create(street=small_tree.street, services_per_year=3)
    today = timezone.localdate()
    # Both have three services this year: they meet 3; asked for 4, both are behind.
    assert service_card.remind_behind(today) == 0
    ServiceRequirement.objects.filter(street=small_tree.street).update(services_per_year=4)
    assert service_card.remind_behind(today) == 0  # already looked at this month
    MemberReport.objects.update(reminded_on=None)
    assert service_card.remind_behind(today) == 2
    assert service_card.remind_behind(today) == 0
    assert Notification.objects.filter(recipient=member.user).count() == 1
