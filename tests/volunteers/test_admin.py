"""Cadres run volunteer service in the admin: each sees their own area only, every step goes
through the workflow functions, the ledger is never written by hand, and the street reads
volunteers' names masked."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from governance.models import Role
from services.stations.models import Station
from tests.services.images import not_an_image, oversized, photo
from tests.volunteers.conftest import make_activity, make_station, volunteer
from volunteers import hours, ledger, rewards
from volunteers.models import (
    EntryKind,
    HoursKind,
    HoursStatus,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Redemption,
    RedemptionStatus,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarAward,
    StarRound,
    Team,
)

pytestmark = pytest.mark.django_db


def url(model, view="changelist", *args):
    return reverse(f"admin:volunteers_{model}_{view}", args=args)


def act(client, model, action, rows, **extra):
    """Run an admin action on the changelist, as the action bar posts it."""
    return client.post(
        url(model),
        {"action": action, "_selected_action": [r.pk for r in rows], "index": 0, **extra},
    )


def message_levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def pending_hours(service, user=None, amount="2.50"):
    return ServiceHours.objects.create(
        volunteer=(user or service.alice).volunteer,
        activity=service.activity,
        kind=HoursKind.CREDIT,
        hours=Decimal(amount),
    )


@pytest.fixture
def records(service):
    """One of each register's rows, all in community A."""
    entry = pending_hours(service)
    posted, _ = ledger.post(
        volunteer=service.bob.volunteer,
        points=30,
        kind=EntryKind.ADJUSTED,
        reason="开业补录",
        key="test:bob",
    )
    redemption = Redemption.objects.create(
        reward=service.reward, volunteer=service.bob.volunteer, points=20
    )
    star_round = StarRound.objects.create(
        rating_date=date(2026, 1, 1), notice_ends_on=date(2026, 1, 8)
    )
    award = StarAward.objects.create(
        round=star_round, volunteer=service.alice.volunteer, stars=1, hours=Decimal("120")
    )
    return {
        "volunteerprofile": service.alice.volunteer,
        "team": service.team,
        "membership": Membership.objects.get(team=service.team, volunteer__user=service.alice),
        "activity": service.activity,
        "servicehours": entry,
        "ledgerentry": posted,
        "reward": service.reward,
        "redemption": redemption,
        "staraward": award,
    }


# --- Scope


@pytest.mark.parametrize(
    "model",
    [
        "volunteerprofile",
        "team",
        "membership",
        "activity",
        "servicehours",
        "ledgerentry",
        "reward",
        "redemption",
        "staraward",
    ],
)
def test_another_community_sees_nothing_of_community_a(
    client_for, records, cadre_b, cadre_a, model
):
    row = records[model]
    client = client_for(cadre_b)
    listing = client.get(url(model))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []

    response = client.get(url(model, "change", row.pk))
    assert response.status_code == 302  # the admin's "does not exist", with no data
    assert response.url == reverse("admin:index")

    # The cadre of community A sees and opens the same row.
    client = client_for(cadre_a)
    assert row.pk in {r.pk for r in client.get(url(model)).context["cl"].result_list}
    assert client.get(url(model, "change", row.pk)).status_code == 200


def test_another_communitys_cadre_cannot_act_on_its_rows(client_for, records, service, cadre_b):
    entry = records["servicehours"]
    act(client_for(cadre_b), "servicehours", "approve", [entry])
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert not LedgerEntry.objects.filter(key=f"hours:{entry.pk}").exists()


def test_choices_on_the_forms_stay_in_the_area(client_for, service, cadre_b, small_tree):
    Team.objects.create(name="幸福服务队", node=small_tree.community_b)
    body = client_for(cadre_b).get(url("activity", "add")).content.decode()
    assert "幸福服务队" in body and "助老服务队" not in body
    body = client_for(cadre_b).get(url("servicehours", "add")).content.decode()
    assert service.activity.title not in body


# --- Service hours


def test_approving_hours_posts_one_ledger_entry(client_for, service, cadre_a):
    entry = pending_hours(service)
    response = act(client_for(cadre_a), "servicehours", "approve", [entry])
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED and entry.decided_by == cadre_a
    posted = LedgerEntry.objects.get(volunteer=service.alice.volunteer)
    assert (posted.kind, posted.points, posted.actor) == (EntryKind.EARNED_HOURS, 25, cadre_a)
    service.alice.volunteer.refresh_from_db()
    assert service.alice.volunteer.points_balance == 25

    # Approving again is refused row by row; nothing more is posted.
    response = act(client_for(cadre_a), "servicehours", "approve", [entry])
    assert "error" in message_levels(response)
    assert LedgerEntry.objects.count() == 1


def test_declining_hours_needs_a_reason(client_for, service, cadre_a):
    entry = pending_hours(service)
    client = client_for(cadre_a)
    response = act(client, "servicehours", "decline", [entry], reason="  ")
    assert "error" in message_levels(response)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING

    act(client, "servicehours", "decline", [entry], reason="未到岗")
    entry.refresh_from_db()
    assert (entry.status, entry.reversal_reason) == (HoursStatus.DECLINED, "未到岗")
    assert not LedgerEntry.objects.exists()


def test_reversing_approved_hours_takes_the_points_back(client_for, service, cadre_a):
    entry = hours.approve(entry=pending_hours(service), actor=cadre_a)
    client = client_for(cadre_a)
    act(client, "servicehours", "reverse", [entry])
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED  # no reason, no reversal

    act(client, "servicehours", "reverse", [entry], reason="重复登记")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.REVERSED
    assert list(LedgerEntry.objects.order_by("pk").values_list("points", flat=True)) == [25, -25]
    service.alice.volunteer.refresh_from_db()
    assert service.alice.volunteer.points_balance == 0


def honour(activity, profile, amount, reason="协助布置场地"):
    return {"activity": activity.pk, "volunteer": profile.pk, "hours": amount, "reason": reason}


def test_honour_hours_beyond_the_activity_are_refused_with_a_form_error(
    client_for, service, cadre_a
):
    client = client_for(cadre_a)
    response = client.post(
        url("servicehours", "add"), honour(service.activity, service.bob.volunteer, "3.5")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not ServiceHours.objects.exists()

    response = client.post(
        url("servicehours", "add"), honour(service.activity, service.bob.volunteer, "3", "")
    )
    assert response.status_code == 200 and not ServiceHours.objects.exists()

    response = client.post(
        url("servicehours", "add"), honour(service.activity, service.bob.volunteer, "3")
    )
    assert response.status_code == 302
    entry = ServiceHours.objects.get()
    assert (entry.kind, entry.hours, entry.created_by) == (HoursKind.HONOUR, Decimal("3"), cadre_a)
    assert entry.status == HoursStatus.PENDING


def test_honour_hours_only_for_the_areas_activities_and_volunteers(
    client_for, service, cadre_b, small_tree
):
    stranger = volunteer("carol", small_tree.community_b, full_name="钱卡罗")
    response = client_for(cadre_b).post(
        url("servicehours", "add"), honour(service.activity, stranger.volunteer, "1")
    )
    assert response.status_code == 200
    assert "activity" in response.context["adminform"].form.errors
    assert not ServiceHours.objects.exists()


def test_recorded_hours_are_read_only_and_never_deleted(client_for, service, superuser):
    entry = pending_hours(service)
    client = client_for(superuser)
    body = client.get(url("servicehours", "change", entry.pk)).content.decode()
    assert 'name="_save"' not in body
    response = client.post(
        url("servicehours", "change", entry.pk),
        {"hours": "9", "status": HoursStatus.APPROVED},
    )
    assert response.status_code == 403
    assert client.get(url("servicehours", "delete", entry.pk)).status_code == 403
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (Decimal("2.50"), HoursStatus.PENDING)


# --- The points ledger


@pytest.mark.parametrize("who", ["superuser", "cadre_a"])
def test_the_ledger_cannot_be_added_changed_or_deleted(client_for, records, request, who):
    entry = records["ledgerentry"]
    client = client_for(request.getfixturevalue(who))
    page = client.get(url("ledgerentry", "change", entry.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(
        url("ledgerentry", "change", entry.pk),
        {"points": "999", "balance_after": "999", "reason": "改", "kind": EntryKind.ADJUSTED},
    )
    assert response.status_code == 403
    assert client.get(url("ledgerentry", "delete", entry.pk)).status_code == 403
    assert client.post(url("ledgerentry", "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert client.get(url("ledgerentry", "add")).status_code == 403
    response = act(client, "ledgerentry", "delete_selected", [entry], post="yes")
    assert LedgerEntry.objects.filter(pk=entry.pk, points=30, balance_after=30).exists()


def test_adjusting_points_needs_a_reason_and_posts_once(client_for, service, cadre_a):
    profile = service.bob.volunteer
    client = client_for(cadre_a)
    key = "7d7bde55-4bd5-4b4f-9d1c-2f1c9ab0e6a1"
    for bad in ({"points": "10", "reason": ""}, {"points": "0", "reason": "补录"}, {"points": "x"}):
        response = act(client, "volunteerprofile", "adjust_points", [profile], key=key, **bad)
        assert "error" in message_levels(response)
    assert not LedgerEntry.objects.exists()

    for _ in range(2):  # the same page posted twice
        act(
            client,
            "volunteerprofile",
            "adjust_points",
            [profile],
            key=key,
            points="10",
            reason="补录",
        )
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.points, entry.reason, entry.actor) == (
        EntryKind.ADJUSTED,
        10,
        "补录",
        cadre_a,
    )
    profile.refresh_from_db()
    assert profile.points_balance == 10

    # Taking away more than the balance is refused, with a message.
    response = act(
        client,
        "volunteerprofile",
        "adjust_points",
        [profile],
        key="0e2b7b1e-31c4-4f6c-8a55-9d7c0f0a3b10",
        points="-50",
        reason="更正",
    )
    assert "error" in message_levels(response)
    profile.refresh_from_db()
    assert profile.points_balance == 10 and LedgerEntry.objects.count() == 1


def test_the_changelist_draws_a_fresh_adjustment_key(client_for, service, cadre_a):
    client = client_for(cadre_a)
    first, second = (
        client.get(url("volunteerprofile")).context["action_form"]["key"].value() for _ in range(2)
    )
    assert first and second and first != second


# --- Names


def test_the_street_reads_volunteer_names_masked(
    client_for, records, service, street_cadre, cadre_a
):
    street = client_for(street_cadre)
    for model in ("volunteerprofile", "membership", "servicehours", "ledgerentry", "staraward"):
        listing = street.get(url(model))
        body = listing.content.decode()
        assert listing.context["cl"].result_count
        assert "王爱丽" not in body and "赵小波" not in body
        assert "王某" in body or "赵某" in body
    # A row's page names the person in full: the street does not open it, but still acts.
    profile_page = url("volunteerprofile", "change", service.alice.volunteer.pk)
    assert profile_page not in street.get(url("volunteerprofile")).content.decode()
    for model in ("volunteerprofile", "servicehours", "ledgerentry"):
        assert street.get(url(model, "change", records[model].pk)).status_code == 403
    body = street.get(url("activity", "change", service.activity.pk)).content.decode()
    assert "王爱丽" not in body and "李队长" not in body
    act(street, "servicehours", "approve", [records["servicehours"]])
    assert LedgerEntry.objects.filter(volunteer=service.alice.volunteer, points=25).exists()

    community = client_for(cadre_a)
    body = community.get(url("volunteerprofile")).content.decode()
    assert "王爱丽" in body and profile_page in body
    assert "王爱丽" in community.get(url("servicehours")).content.decode()
    assert "王爱丽" in community.get(url("team", "change", service.team.pk)).content.decode()


def test_volunteer_search_finds_by_name(client_for, service, cadre_a):
    listing = client_for(cadre_a).get(url("volunteerprofile"), {"q": "赵小波"})
    assert [p.user for p in listing.context["cl"].result_list] == [service.bob]


# --- Teams


def test_membership_requests_are_decided_through_the_workflow(
    client_for, service, small_tree, cadre_a, cadre_b
):
    carol = volunteer("carol", small_tree.community_a, full_name="钱卡罗")
    request = Membership.objects.create(team=service.team, volunteer=carol.volunteer)
    act(client_for(cadre_b), "membership", "approve", [request])
    request.refresh_from_db()
    assert request.status == MembershipStatus.PENDING

    act(client_for(cadre_a), "membership", "approve", [request])
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (MembershipStatus.APPROVED, cadre_a)

    response = act(client_for(cadre_a), "membership", "decline", [request])
    assert "error" in message_levels(response)  # already decided
    request.refresh_from_db()
    assert request.status == MembershipStatus.APPROVED


def test_the_team_page_lists_members_and_saves(client_for, service, cadre_a):
    client = client_for(cadre_a)
    team_url = url("team", "change", service.team.pk)
    page = client.get(team_url)
    assert page.status_code == 200
    memberships = list(service.team.memberships.order_by("pk"))
    data = {
        "name": "助老服务队",
        "brand": "守望彩虹",
        "node": service.team.node_id,
        "description": "",
        "memberships-TOTAL_FORMS": len(memberships),
        "memberships-INITIAL_FORMS": len(memberships),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": m.pk,
            f"memberships-{i}-team": service.team.pk,
            f"memberships-{i}-is_leader": "on" if m.volunteer.user == service.alice else "",
        }
    assert client.post(team_url, data).status_code == 302
    assert set(
        Membership.objects.filter(is_leader=True).values_list(
            "volunteer__user__username", flat=True
        )
    ) == {"alice"}
    assert Membership.objects.filter(status=MembershipStatus.APPROVED).count() == 3


# --- Activities


def test_the_activity_list_counts_places_and_the_page_shows_the_code(
    client_for, service, small_tree, cadre_a
):
    for i in range(3):
        user = volunteer(f"v{i}", small_tree.community_a)
        SignUp.objects.create(
            activity=service.activity,
            volunteer=user.volunteer,
            status=SignUpStatus.REGISTERED if i < 2 else SignUpStatus.WAITLISTED,
        )
    client = client_for(cadre_a)
    [row] = client.get(url("activity")).context["cl"].result_list
    assert (row.registered_count, row.waiting_count) == (2, 1)
    body = client.get(url("activity", "change", service.activity.pk)).content.decode()
    assert service.activity.checkin_code in body
    assert 'name="checkin_code"' not in body  # shown, never edited


# --- Gifts


def reward_form(node, **extra):
    station = Station.objects.filter(node__tree_id=node.tree_id).first() or make_station(node)
    return {
        "node": node.pk,
        "pickup_station": station.pk,
        "name": "保温杯",
        "points_cost": 80,
        "stock": 3,
        "active": "on",
        **extra,
    }


@pytest.mark.parametrize("upload", [not_an_image, oversized])
def test_a_reward_picture_must_be_a_real_small_image(client_for, small_tree, cadre_a, upload):
    response = client_for(cadre_a).post(
        url("reward", "add"), reward_form(small_tree.community_a, picture=upload())
    )
    assert response.status_code == 200
    assert "picture" in response.context["adminform"].form.errors
    assert not Reward.objects.filter(name="保温杯").exists()


def test_a_reward_with_a_photo_is_saved(client_for, small_tree, cadre_a):
    response = client_for(cadre_a).post(
        url("reward", "add"), reward_form(small_tree.community_a, picture=photo("cup.png"))
    )
    assert response.status_code == 302
    assert Reward.objects.get(name="保温杯").picture.name.endswith(".png")


def test_redemptions_are_handed_over_or_refunded(client_for, records, service, cadre_a):
    bob = service.bob.volunteer
    second = rewards.redeem(reward=service.reward, user=service.bob)  # bob: 30 → 10 points
    first = records["redemption"]
    client = client_for(cadre_a)
    act(client, "redemption", "hand_over", [first])
    act(client, "redemption", "cancel_and_refund", [second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RedemptionStatus.HANDED_OVER
    assert second.status == RedemptionStatus.CANCELLED
    bob.refresh_from_db()
    assert bob.points_balance == 30
    service.reward.refresh_from_db()
    assert service.reward.stock == 5

    response = act(client, "redemption", "cancel_and_refund", [first])
    assert "error" in message_levels(response)
    assert client.get(url("redemption", "delete", first.pk)).status_code == 403


# --- Query counts


def populate(service, tree, n):
    """n more rows of every register in community A."""
    for i in range(n):
        star_round = StarRound.objects.create(
            rating_date=date(2026, 7, 1 + i), notice_ends_on=date(2026, 7, 20)
        )
        user = volunteer(f"q{i}", tree.community_a, full_name=f"孙{i}号")
        profile = user.volunteer
        team = Team.objects.create(name=f"队{i}", node=tree.community_a)
        Membership.objects.create(team=team, volunteer=profile)
        activity = make_activity(team, title=f"活动{i}")
        SignUp.objects.create(activity=activity, volunteer=profile, status=SignUpStatus.REGISTERED)
        ServiceHours.objects.create(
            volunteer=profile, activity=activity, kind=HoursKind.CREDIT, hours=Decimal("1")
        )
        ledger.post(volunteer=profile, points=50, kind=EntryKind.ADJUSTED, reason="r", key=f"q{i}")
        reward = Reward.objects.create(node=tree.grid_a, name=f"礼{i}", points_cost=5, stock=1)
        Redemption.objects.create(reward=reward, volunteer=profile, points=5)
        StarAward.objects.create(round=star_round, volunteer=profile, stars=1, hours=100)


@pytest.mark.parametrize("n", [1, 8])
@pytest.mark.parametrize("viewer", ["cadre_a", "street_cadre"])
@pytest.mark.parametrize(
    "model",
    [
        "volunteerprofile",
        "team",
        "membership",
        "activity",
        "servicehours",
        "ledgerentry",
        "reward",
        "redemption",
        "starround",
        "staraward",
    ],
)
def test_changelist_query_counts_do_not_grow(
    client_for, service, small_tree, request, viewer, model, n, django_assert_max_num_queries
):
    populate(service, small_tree, n)
    client = client_for(request.getfixturevalue(viewer))
    # Session, user, their node, the count, the rows, the date hierarchy: never per row.
    with django_assert_max_num_queries(12):
        response = client.get(url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= n


def test_only_cadres_reach_the_volunteer_admin(client_for, service):
    assert service.alice.role == Role.VOLUNTEER
    response = client_for(service.alice).get(url("servicehours"))
    assert response.status_code == 302  # to the admin login: volunteers are not staff
    assert response.url.startswith(reverse("admin:login"))
