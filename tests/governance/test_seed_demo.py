from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.http import HttpRequest
from django.utils import timezone

from governance import tree
from governance.composite import command_center as cc
from governance.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DISTRICT_HOUSEHOLDS,
    clock,
    district_street,
    district_streets,
)
from governance.models import NodeKind, OrgNode, User
from grids.models import Household, Resident, WorkerAssignment, WorkerKind
from services.whistles.demo import SCALE_PER_STREET_PER_DAY
from services.whistles.models import EventKind, Status, Whistle, WhistleEvent
from services.wishes.models import Wish, WishEvent
from volunteers.demo import VOLUNTEER_SHARE
from volunteers.models import (
    Activity,
    LedgerEntry,
    Membership,
    RedemptionStatus,
    Reward,
    ServiceHours,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db


def counts():
    by_kind = {kind: OrgNode.objects.filter(kind=kind).count() for kind in NodeKind}
    return by_kind, User.objects.count(), list(OrgNode.objects.values_list("pk", "lft", "rght"))


def test_seed_demo_builds_one_realistic_street_and_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    by_kind = first[0]
    assert by_kind[NodeKind.STREET] == 1
    assert by_kind[NodeKind.COMMUNITY] == 8
    assert by_kind[NodeKind.GRID] == 60
    assert by_kind[NodeKind.BUILDING] == 600
    assert 150 < by_kind[NodeKind.HOUSEHOLD] < 400
    assert tree.find_problems() == []
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "community_cadre" in output

    call_command("seed_demo")
    assert counts() == first


def test_every_demo_user_can_log_in_and_sits_where_the_readme_says(client):
    call_command("seed_demo")
    for username, _name, role, code, _staff in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.node.code if user.node else None) == code
        user.full_clean()
        # django-axes counts logins per request: the test client's login gives it one.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_an_existing_tree_alone(small_tree):
    call_command("seed_demo", "--if-empty")
    assert not OrgNode.objects.filter(code="HX-08").exists()
    assert not User.objects.filter(username="street_cadre").exists()


# The district at a hundredth of its size: the same promises, kept in seconds.
SMALL_DISTRICT = 600


def district_counts():
    return (
        counts(),
        {
            model.__name__: model.objects.count()
            for model in (
                Household,
                Resident,
                VolunteerProfile,
                ServiceHours,
                LedgerEntry,
                Whistle,
                Wish,
            )
        },
    )


def test_the_scaled_district_has_ten_streets_in_proportion_and_agrees_with_itself():
    call_command("seed_demo", "--scale", "--households-per-street", SMALL_DISTRICT)
    assert OrgNode.objects.filter(kind=NodeKind.STREET).count() == 10
    size = district_street(SMALL_DISTRICT)
    per_street = size.communities * size.grids_per_community[0] * size.buildings_per_grid
    assert OrgNode.objects.filter(kind=NodeKind.BUILDING).count() == 600 + 9 * per_street
    assert tree.find_problems() == []
    first = district_counts()

    period = cc.Period.last(365)
    streets = list(district_streets())
    assert len(streets) == 9
    for street in streets:
        households = Household.objects.filter(building__tree_id=street.tree_id)
        n = households.count()
        # About the households asked for; residents, volunteers, whistles and wishes in
        # proportion (the full district: 44,000, ~110,000, ~3,300, ~9,100 and ~880).
        assert 0.8 * SMALL_DISTRICT < n < 1.25 * SMALL_DISTRICT, street.code
        residents = Resident.objects.filter(household__building__tree_id=street.tree_id).count()
        assert 2 * n < residents < 3 * n, street.code
        volunteers = VolunteerProfile.objects.filter(community__tree_id=street.tree_id).count()
        assert abs(volunteers - n * VOLUNTEER_SHARE) <= size.communities, street.code
        whistles = Whistle.objects.filter(community__tree_id=street.tree_id).count()
        expected = 365 * SCALE_PER_STREET_PER_DAY * SMALL_DISTRICT / DISTRICT_HOUSEHOLDS
        assert whistles == round(expected), street.code
        assert Wish.objects.filter(community__tree_id=street.tree_id).count() >= size.communities

        # The command center's figures agree, for the street and each community.
        figures = cc.node_figures(street, period)["headcounts"]
        assert figures["households"] == n
        assert 0 < figures["party_households"] <= figures["party_members"], street.code
        for row in cc.children_table(street, period):
            community = row["node"]
            counts_ = cc.node_figures(community, period)["headcounts"]
            assert counts_["party_households"] <= counts_["party_members"], community.code
            assert counts_["households"] > 0 and counts_["care_residents"] > 0, community.code
            assert counts_["volunteers"] > 0 and counts_["teams"] > 0, community.code
            assert row["received"] > 0 and row["wishes_lit"] > 0, community.code
            assert row["volunteer_hours"] > 0, community.code

    # Every party-member household of the district is a household of the register, in the
    # flat its name says, headed by the member it names, tagged 党员 and a party member of the
    # portal attached to it.
    party = OrgNode.objects.filter(
        kind=NodeKind.HOUSEHOLD, tree_id__in=[s.tree_id for s in streets]
    )
    linked = Household.objects.filter(party_household__in=party).select_related("party_household")
    assert linked.count() == party.count() > 0
    members = dict(
        User.objects.filter(is_party_member=True, node__in=party).values_list(
            "node_id", "full_name"
        )
    )
    for household in linked:
        node = household.party_household
        assert node.name.endswith(f"（{household.unit}单元{household.room}）"), node.name
        head = household.residents.order_by("pk").first()
        assert node.name.startswith(head.name) and head.tags.filter(name="党员").exists()
        assert members[node.pk] == head.name
    # Every grid has its full-time worker.
    grids = OrgNode.objects.filter(kind=NodeKind.GRID, tree_id__in=[s.tree_id for s in streets])
    assert WorkerAssignment.objects.filter(grid__in=grids, kind=WorkerKind.FULL_TIME).count() == (
        grids.count()
    )

    # Every district volunteer has a year of hours and a ledger whose running balances add
    # up to the profile's balance, an entry for each approved hours row.
    district = VolunteerProfile.objects.filter(community__tree_id__in=[s.tree_id for s in streets])
    assert not district.annotate(n=Count("hours")).filter(n=0).exists()
    balances = dict(district.values_list("pk", "points_balance"))
    running = {}
    entries = LedgerEntry.objects.filter(volunteer__in=balances).order_by("at", "pk")
    for volunteer, points, after in entries.values_list("volunteer_id", "points", "balance_after"):
        running[volunteer] = running.get(volunteer, 0) + points
        assert after == running[volunteer]
    assert running == balances
    assert entries.count() == ServiceHours.objects.filter(volunteer__in=balances).count()

    # Twice changes nothing.
    call_command("seed_demo", "--scale", "--households-per-street", SMALL_DISTRICT)
    assert district_counts() == first


def _in_order(events, owner, created):
    """Owners whose events (in the order they were written) go back in time, start before
    the owner was created, or lie in the future."""
    now = timezone.now()
    last, wrong = {}, set()
    for at, pk in events.order_by("pk").values_list("at", owner):
        if at < created[pk] or at > now or at < last.get(pk, at):
            wrong.add(pk)
        last[pk] = at
    return wrong


def test_the_demo_street_agrees_with_itself():
    # One seed for the whole story: the full demo street takes seconds, not minutes.
    call_command("seed_demo")
    street = OrgNode.objects.get(code="HX")
    period = cc.Period.last(365)

    # The command center: no party households without households, no community of zeros.
    figures = cc.node_figures(street, period)["headcounts"]
    assert 0 < figures["party_households"] <= figures["households"]
    assert figures["households"] == Household.objects.count() > 2000
    rows = cc.children_table(street, period)
    assert len(rows) == 8
    for row in rows:
        community = row["node"]
        counts = cc.node_figures(community, period)["headcounts"]
        assert 0 < counts["party_households"] <= counts["households"], community.code
        assert counts["party_members"] >= counts["party_households"], community.code
        assert counts["care_residents"] > 0, community.code
        assert counts["volunteers"] > 0 and counts["teams"] > 0, community.code
        assert row["received"] > 0 and row["wishes_lit"] > 0, community.code
        assert row["volunteer_hours"] > 0, community.code
    assert (
        sum(cc.node_figures(r["node"], period)["headcounts"]["households"] for r in rows)
        == (figures["households"])
    )

    # Every party-member household of the tree is a household of the register, in the flat
    # its name says, headed by the member it names, tagged 党员.
    party = OrgNode.objects.filter(kind=NodeKind.HOUSEHOLD)
    linked = Household.objects.filter(party_household__isnull=False).select_related(
        "party_household"
    )
    assert linked.count() == party.count()
    for household in linked:
        name = household.party_household.name
        assert name.endswith(f"（{household.unit}单元{household.room}）"), name
        head = household.residents.order_by("pk").first()
        assert name.startswith(head.name) and head.tags.filter(name="党员").exists()
    # Declared sizes cover the residents on record.
    short = Household.objects.annotate(n=Count("residents")).filter(size__lt=F("n"))
    assert not short.exists()
    assert not Household.objects.annotate(n=Count("residents")).filter(n=0).exists()

    # The README's search example: zjg finds 张建国 (and nobody else) in the demo grid.
    grid = OrgNode.objects.get(code="HX-01-01")
    zjg = Resident.objects.filter(household__building__parent=grid, name_initials__startswith="zjg")
    assert [(r.name, r.household.unit, r.household.room) for r in zjg] == [("张建国", "1", "101")]
    assert zjg.get().household.building.place == "锦绣苑2号楼"

    # Timelines: each event at or after the record's creation, in the order written, none
    # in the future; the whistle's own times match its events.
    whistles = dict(Whistle.objects.values_list("pk", "created_at"))
    assert not _in_order(WhistleEvent.objects, "whistle_id", whistles)
    wishes = dict(Wish.objects.values_list("pk", "created_at"))
    assert not _in_order(WishEvent.objects, "wish_id", wishes)
    for kind, field in (
        (EventKind.DISPATCHED, "dispatched_at"),
        (EventKind.RESOLVED, "resolved_at"),
        (EventKind.CLOSED, "closed_at"),
    ):
        mismatched = WhistleEvent.objects.filter(kind=kind).exclude(
            **{f"whistle__{field}": F("at")}
        )
        # A re-opened whistle's resolution was cleared: its old event stays in the timeline.
        assert not mismatched.exclude(whistle__reopened_count__gt=0).exists(), kind
    routed = Whistle.objects.filter(events__kind=EventKind.ROUTED, events__at__lt=F("routed_at"))
    assert not routed.exists()
    signed = WhistleEvent.objects.filter(kind=EventKind.SIGNED)
    assert not signed.filter(at__lt=F("whistle__dispatched_at")).exists()
    assert Whistle.objects.filter(status=Status.CLOSED, resolved_at__gt=F("closed_at")).count() == 0
    # A duplicate merged into the overdue fire-lane whistle: its reporter follows as a
    # supporter, with the two neighbours who added their voice.
    merged = Whistle.objects.get(merged_into__isnull=False)
    assert merged.status == Status.CLOSED and merged.events.filter(kind=EventKind.MERGED)
    assert merged.merged_into.supporters.count() == 3
    assert merged.merged_into.supporters.filter(mobile=merged.reporter_mobile).exists()

    # Gifts are picked up at a station of their community (else of the street); 陈海燕's
    # reserved gift waits there, and her ledger's running balance reads in time order.
    for reward in Reward.objects.select_related("pickup_station__node", "node"):
        station = reward.pickup_station.node
        assert station.tree_id == reward.node.tree_id, reward
    volunteer = User.objects.get(username="volunteer").volunteer
    assert volunteer.redemptions.filter(status=RedemptionStatus.RESERVED).count() == 1
    balance = 0
    for points, after in volunteer.ledger.order_by("at", "pk").values_list(
        "points", "balance_after"
    ):
        balance += points
        assert after == balance
    # Volunteers joined their team before the first Saturday they served on.
    first_saturday = Activity.objects.order_by("starts_at").values_list("starts_at", flat=True)[0]
    assert not Membership.objects.filter(decided_at__gt=first_saturday).exists()


def test_the_demo_clock_sets_the_time_of_steps_and_model_defaults_then_lets_go():
    then = timezone.now() - timedelta(days=30)
    with clock(then) as demo_clock:
        assert timezone.now() == then
        # A model default holds the function itself: it reads the clock too.
        assert Wish().created_at == then
        later = demo_clock.move(then + timedelta(hours=2))
        assert timezone.now() == later == Wish().created_at
        with pytest.raises(ValueError):
            demo_clock.move(then)
    assert timezone.now() - Wish().created_at < timedelta(seconds=5)
    assert timezone.now() > later + timedelta(days=29)
