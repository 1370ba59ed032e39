"""The command center: known figures on a hand-built tree, drill-down, scope, the Excel
export matching the page, and a query count that does not grow with the rows."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from governance import workbooks
from governance.composite import command_center
from governance.models import OrgNode
from grids.models import CareRecord, Household, Resident
from services.stations.models import Station, StationKind
from services.whistles import dispatch, rating
from services.whistles.models import Rating
from services.wishes import steps as wishes
from services.wishes.models import WishCategory, WishFor
from tests.factories import UserFactory
from tests.volunteers.conftest import make_activity, volunteer
from volunteers.models import HoursKind, HoursStatus, ServiceHours, Team

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 30, 12, tzinfo=TZ)
PERIOD = command_center.Period.last(30, now=NOW)  # 31 May 12:00 – 30 June 12:00


def handled(world, when, *, resolve_after=None, stars=None, **overrides):
    with time_machine.travel(when, tick=False):
        w = world.submit(**overrides)
        w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
        w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
        w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    if resolve_after:
        with time_machine.travel(when + resolve_after, tick=False):
            w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="ok")
            if stars:
                w = rating.rate_whistle(whistle=w, rating=stars)
    return w


def served(activity, user, hours, status=HoursStatus.APPROVED):
    return ServiceHours.objects.create(
        volunteer=user.volunteer,
        activity=activity,
        kind=HoursKind.HONOUR,
        hours=Decimal(hours),
        reason="-",
        status=status,
    )


def cared_for(household, helper, active=True):
    resident = Resident.objects.create(household=household, name="李秀英")
    return CareRecord.objects.create(
        resident=resident,
        needs="-",
        plan="-",
        helper=helper,
        next_visit_due=timezone.now(),
        active=active,
    )


def add_volunteer_service(world):
    """Teams in A, B and on the street itself; volunteers of A and B; hours around the
    period's start; and the care ledger. What the tests below expect of it:

    - hours approved in the period: A 3 + 2 + 1 (at the period's very start), B 1.5, the
      street's own team 4 → 11.5 in all; the reversed, pending and just-too-early hours
      never count;
    - active volunteers: alice, carol (A), bob (B, and pending in A: not active there);
    - care ledger: one active record in A, one closed in A, one active in B."""
    tree = world.tree
    team_a = Team.objects.create(name="助老服务队", brand="守望彩虹", node=tree.community_a)
    team_b = Team.objects.create(name="环保服务队", node=tree.community_b)
    street_team = Team.objects.create(name="小红帽服务队", node=tree.street)
    alice = volunteer("alice", tree.community_a)
    carol = volunteer("carol", tree.community_a)
    bob = volunteer("bob", tree.community_b)
    volunteer("gone", tree.community_a, is_active=False)  # left: off the register
    in_a = make_activity(team_a, starts_at=NOW - timedelta(days=5))
    served(in_a, alice, "3")
    served(in_a, carol, "2")
    served(in_a, alice, "2", status=HoursStatus.REVERSED)
    served(in_a, bob, "5", status=HoursStatus.PENDING)
    served(make_activity(team_a, starts_at=PERIOD.start), carol, "1")
    served(make_activity(team_a, starts_at=PERIOD.start - timedelta(seconds=1)), alice, "7")
    served(make_activity(team_b, starts_at=NOW - timedelta(days=3)), bob, "1.5")
    served(make_activity(street_team, starts_at=NOW - timedelta(days=2)), alice, "4")
    home_a = Household.objects.get_or_create(building=tree.buildings_a[0], unit="1", room="101")[0]
    home_b = Household.objects.create(building=tree.buildings_b[0], unit="2", room="202")
    cared_for(home_a, world.worker_a)
    cared_for(home_a, world.worker_a, active=False)
    cared_for(home_b, world.worker_b)


@pytest.fixture
def figures_world(world):
    tree = world.tree
    handled(world, PERIOD.start, resolve_after=timedelta(hours=10), stars=Rating.SATISFIED)
    handled(
        world, NOW - timedelta(days=2), resolve_after=timedelta(hours=30), stars=Rating.DISSATISFIED
    )
    handled(world, NOW - timedelta(days=1))  # open, resolution due in 7 days
    handled(
        world,
        PERIOD.start - timedelta(seconds=1),  # just before the period
        resolve_after=timedelta(hours=1),
    )
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        world.submit(building=tree.buildings_b[0], community=tree.community_b)  # overdue by NOW
        wish = wishes.post_wish(
            wish_for=WishFor.CHILD,
            category=WishCategory.STUDY,
            text="想要书包",
            community=tree.community_a,
            poster_name="张三",
            poster_mobile="13700001234",
        )
        wish = wishes.approve_wish(wish=wish, actor=world.cadre_a)
        volunteer = UserFactory(
            username="vol", role="volunteer", node=tree.community_a, is_party_member=True
        )
        wish = wishes.claim_wish(wish=wish, actor=volunteer)
        wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=volunteer, note="done"))
    Household.objects.create(building=tree.buildings_a[0], unit="1", room="101")
    add_volunteer_service(world)
    Station.objects.create(
        code="S1",
        name="驿站",
        kind=StationKind.objects.first(),
        node=tree.community_a,
        address="x",
        latitude=36,
        longitude=120,
    )
    return world


def test_the_street_figures_on_a_known_tree(figures_world):
    data = command_center.node_figures(figures_world.tree.street, PERIOD)
    w = data["whistles"]
    assert w.received == 4  # three in A inside the period, one in B; not the earlier
    assert w.responded_on_time == 3  # B's was never answered
    # The open one in A is not yet due to be resolved: it does not count against the rate.
    assert (w.resolution_due, w.resolution_rate) == (3, 2 / 3)
    assert w.satisfaction_rate == 1 / 2
    assert w.overdue_now == 1  # B's, never accepted
    assert w.median_time_to_resolve == timedelta(hours=20)
    assert data["wishes_posted"] == 1 and data["wishes_lit"] == 1
    head = data["headcounts"]
    assert head["households"] == 2  # registered in buildings A1 and B1
    assert head["stations"] == 1 and head["party_members"] == 1
    # The register: vol (through the wish's points), alice, carol and bob; not the one gone.
    assert head["volunteers"] == 4
    assert (head["teams"], head["care_residents"]) == (3, 2)
    assert (data["volunteer_hours"], data["active_volunteers"]) == (Decimal("11.5"), 3)
    assert {r["category__name"]: r["n"] for r in data["by_category"]} == {"乱停车、占道": 4}
    assert sum(r["received"] for r in data["weekly"]) == 4
    assert [x.community for x in data["worst_overdue"]] == [figures_world.tree.community_b]


def test_the_children_table_compares_the_communities(figures_world):
    table = command_center.children_table(figures_world.tree.street, PERIOD)
    a, b = table
    assert (
        a["node"] == figures_world.tree.community_a and b["node"] == figures_world.tree.community_b
    )
    assert (a["received"], a["overdue_now"], a["wishes_lit"], a["stations"]) == (3, 0, 1, 1)
    assert a["resolution_rate"] == 1 and a["satisfaction_rate"] == 1 / 2
    assert (b["received"], b["overdue_now"], b["stations"]) == (1, 1, 0)
    assert b["response_rate"] == 0 and b["satisfaction_rate"] is None
    assert [r["node"] for r in command_center.sort_table(table, "-overdue_now")][0] == b["node"]
    # The street team's 4 hours sit on the street itself, in neither community.
    assert (a["volunteer_hours"], a["active_volunteers"]) == (Decimal("6"), 2)
    assert (b["volunteer_hours"], b["active_volunteers"]) == (Decimal("1.5"), 1)
    assert [r["node"] for r in command_center.sort_table(table, "volunteer_hours")] == [
        b["node"],
        a["node"],
    ]
    assert [r["node"] for r in command_center.sort_table(table, "-active_volunteers")] == [
        a["node"],
        b["node"],
    ]
    direct = command_center.placed_directly(figures_world.tree.street, PERIOD)
    assert (direct["volunteer_hours"], direct["active_volunteers"]) == (Decimal("4"), 1)


def test_volunteer_headcounts_and_hours_of_a_community(figures_world):
    tree = figures_world.tree
    a = command_center.node_figures(tree.community_a, PERIOD)
    assert (a["headcounts"]["volunteers"], a["headcounts"]["teams"]) == (3, 1)
    assert a["headcounts"]["care_residents"] == 1  # the closed record does not count
    assert (a["volunteer_hours"], a["active_volunteers"]) == (Decimal("6"), 2)
    # A period that starts one second later loses the activity at the boundary.
    later = command_center.Period(start=PERIOD.start + timedelta(seconds=1), end=NOW, days=30)
    assert command_center.node_figures(tree.community_a, later)["volunteer_hours"] == 5
    # Going back 90 days brings the activity just before the 30 days in.
    longer = command_center.Period.last(90, now=NOW)
    assert command_center.node_figures(tree.community_a, longer)["volunteer_hours"] == 13


def test_a_node_with_no_data(figures_world):
    grid_b = command_center.children_table(figures_world.tree.community_b, PERIOD)[0]
    empty = command_center.node_figures(figures_world.tree.buildings_b[1], PERIOD)
    assert empty["whistles"].received == 0 and empty["whistles"].response_rate is None
    # Every week of the period is there, empty ones too: 25 May to 29 June.
    assert [r["received"] for r in empty["weekly"]] == [0] * 6
    assert empty["worst_overdue"] == []
    assert (empty["volunteer_hours"], empty["active_volunteers"]) == (0, 0)
    head = empty["headcounts"]
    assert (head["volunteers"], head["teams"], head["care_residents"]) == (0, 0, 0)
    assert grid_b["received"] == 1
    # Team B's activity sits on the community, above its grid.
    assert (grid_b["volunteer_hours"], grid_b["active_volunteers"]) == (0, 0)


def test_drill_down_and_the_export_match_the_page(client_for, figures_world):
    tree = figures_world.tree
    client = client_for(figures_world.street_cadre)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("command-center"))
        assert page.status_code == 200
        assert [r["node"] for r in page.context["table"]] == [tree.community_a, tree.community_b]
        down = client.get(reverse("command-center-node", args=[tree.community_a.pk]))
        assert [c.pk for c in down.context["breadcrumb"]] == [tree.street.pk, tree.community_a.pk]
        export = client.get(reverse("command-center-export", args=[tree.street.pk]))
        by_hours = client.get(reverse("command-center"), {"sort": "-volunteer_hours"})
    assert "command-center-HX-20260531-20260630.xlsx" in export["Content-Disposition"]
    book = load_workbook(io.BytesIO(export.content))
    figures = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    data = page.context["data"]
    page_figures = data["whistles"]
    assert figures["接诉量"] == page_figures.received == 4
    assert figures["满意率"] == round(page_figures.satisfaction_rate, 3)  # a per-cent cell
    head = data["headcounts"]
    assert figures[_("Volunteers")] == head["volunteers"] == 4
    assert figures[_("Volunteer teams")] == head["teams"] == 3
    assert figures[_("Residents in the care ledger")] == head["care_residents"] == 2
    assert figures[_("Volunteer hours approved")] == data["volunteer_hours"] == Decimal("11.5")
    assert figures[_("Active volunteers")] == data["active_volunteers"] == 3
    assert b"11.50" in page.content
    _title, header, *children = book.worksheets[1].iter_rows(values_only=True)
    hours, active = (
        header.index(_("Volunteer hours approved")),
        header.index(_("Active volunteers")),
    )
    assert (
        [(r[1], r[2], r[6], r[hours], r[active]) for r in children]
        == [
            (
                r["node"].code,
                r["received"],
                r["overdue_now"],
                r["volunteer_hours"],
                r["active_volunteers"],
            )
            for r in page.context["table"]
        ]
        == [("HX-01", 3, 0, 6, 2), ("HX-02", 1, 1, 1.5, 1)]
    )
    assert [r["node"] for r in by_hours.context["table"]] == [tree.community_a, tree.community_b]
    assert by_hours.context["sort_links"]["volunteer_hours"] == ("volunteer_hours", "↓")
    assert by_hours.context["direct"]["volunteer_hours"] == 4


def test_another_communitys_page_and_export_are_404(client_for, figures_world):
    tree = figures_world.tree
    client = client_for(figures_world.cadre_a)
    assert client.get(reverse("command-center")).context["node"] == tree.community_a
    for url in (
        reverse("command-center-node", args=[tree.community_b.pk]),
        reverse("command-center-export", args=[tree.community_b.pk]),
        reverse("command-center-node", args=[tree.street.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert tree.community_b.name.encode() not in response.content
    volunteer = UserFactory(username="v2", role="volunteer", node=tree.community_a)
    assert client_for(volunteer).get(reverse("command-center")).status_code == 403


@pytest.mark.parametrize("role", ["street_cadre", "cadre_b"])
@pytest.mark.parametrize("n", [1, 8])
def test_the_page_query_count_does_not_grow(
    client_for, world, n, role, django_assert_max_num_queries
):
    """The street's page and a community's (B, where the rows grow) alike."""
    tree = world.tree
    home = Household.objects.create(building=tree.buildings_b[0], unit="1", room="101")
    for i in range(n):
        handled(
            world,
            NOW - timedelta(days=i + 1),
            resolve_after=timedelta(hours=5),
            stars=Rating.SATISFIED,
        )
        world.submit(building=tree.buildings_b[i % 2], community=tree.community_b)
        # Volunteer rows grow too: a team, a volunteer and their hours, a care record.
        community = (tree.community_a, tree.community_b)[i % 2]
        team = Team.objects.create(name=f"服务队{i}", node=community)
        served(
            make_activity(team, starts_at=NOW - timedelta(days=i + 1)),
            volunteer(f"v{i}", community),
            "2",
        )
        cared_for(home, world.worker_b)
    client = client_for(getattr(world, role))
    # Elsewhere than on PostgreSQL, the median's middle values and the longest overdue take
    # a query each rather than a place in the figures' pass.
    max_queries = 28 if connection.vendor == "postgresql" else 30
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(max_queries):
        page = client.get(reverse("command-center"))
    assert page.status_code == 200
    hours = 2 * n if role == "street_cadre" else 2 * (n // 2)  # B has every other team
    assert page.context["data"]["volunteer_hours"] == hours


def test_whistles_on_the_node_itself_are_accounted_for(client_for, world):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        world.submit(building=None, address="红旗路口")  # on the community itself
        world.submit()  # in a building of grid A
    with time_machine.travel(NOW, tick=False):
        page = client_for(world.cadre_a).get(reverse("command-center"))
    assert page.context["data"]["whistles"].received == 2
    assert [r["received"] for r in page.context["table"]] == [1]
    assert page.context["direct"]["received"] == 1
    sort = page.context["sort_links"]["received"]
    assert sort == ("-received", "")


def test_place_names_like_formulas_are_exported_as_text(client_for, cadre_a, small_tree):
    link = '=HYPERLINK("http://x","y")'
    OrgNode.objects.filter(pk=small_tree.community_a.pk).update(place_name=link)
    OrgNode.objects.filter(pk=small_tree.grid_a.pk).update(place_name="+1+1")
    export = client_for(cadre_a).get(
        reverse("command-center-export", args=[small_tree.community_a.pk])
    )
    figures, children = load_workbook(io.BytesIO(export.content)).worksheets
    title, child = figures["A1"], children["A3"]  # the title starts with the node's place
    assert (title.data_type, title.value.startswith(link), title.quotePrefix) == ("s", True, True)
    assert (child.data_type, child.value, child.quotePrefix) == ("s", "+1+1", True)


def test_the_export_has_titles_frozen_headers_and_typed_cells(client_for, figures_world):
    tree = figures_world.tree
    with time_machine.travel(NOW, tick=False):
        export = client_for(figures_world.street_cadre).get(
            reverse("command-center-export", args=[tree.street.pk])
        )
    figures, children = load_workbook(io.BytesIO(export.content)).worksheets
    title = workbooks.heading(tree.street.place, datetime(2026, 5, 31), datetime(2026, 6, 30))
    assert figures["A1"].value == children["A1"].value == title
    assert (figures.freeze_panes, children.freeze_panes) == ("A3", "B3")
    cells = {row[0].value: row[1] for row in figures.iter_rows(min_row=3)}
    rate, median = cells["满意率"], cells[_("Median time to resolve")]
    assert (rate.data_type, rate.value, rate.number_format) == ("n", 0.5, "0.0%")
    # A duration is an Excel time cell, not text: 20 hours reads 20:00.
    assert (median.value, median.number_format) == (timedelta(hours=20), "[h]:mm")
    hours = cells[_("Volunteer hours approved")]
    assert (hours.value, hours.number_format) == (11.5, "0.00")
    header = [c.value for c in children[2]]
    rates = children.cell(3, header.index("满意率") + 1)
    assert (rates.data_type, rates.number_format) == ("n", "0.0%")
    assert children.column_dimensions["A"].width >= workbooks.display_width("红旗社区党委") + 2


def _row_of_its_own_page(node, period):
    """What a child's own page says, in the child table's terms."""
    own = command_center.node_figures(node, period)
    w = own["whistles"]
    return {
        "received": w.received,
        "response_rate": w.response_rate,
        "resolution_rate": w.resolution_rate,
        "satisfaction_rate": w.satisfaction_rate,
        "overdue_now": w.overdue_now,
        "wishes_posted": own["wishes_posted"],
        "wishes_lit": own["wishes_lit"],
        "stations": own["headcounts"]["stations"],
        "volunteer_hours": own["volunteer_hours"],
        "active_volunteers": own["active_volunteers"],
    }


def test_each_childs_row_is_what_its_own_page_says(figures_world):
    # The grouped pass over the street must agree with each child's own figures.
    tree = figures_world.tree
    for node in (tree.street, tree.community_a, tree.community_b):
        for row in command_center.children_table(node, PERIOD):
            expected = _row_of_its_own_page(row["node"], PERIOD)
            assert {key: row[key] for key in expected} == expected, row["node"]


def test_the_child_table_at_the_period_bounds_and_for_a_child_with_nothing(world):
    tree = world.tree
    with time_machine.travel(PERIOD.start, tick=False):
        world.submit()  # the first instant of the period counts
    with time_machine.travel(PERIOD.start - timedelta(seconds=1), tick=False):
        world.submit()
    with time_machine.travel(PERIOD.end, tick=False):
        world.submit()  # the end is not in the period
    a, b = command_center.children_table(tree.street, PERIOD)
    assert a["received"] == 1 == _row_of_its_own_page(tree.community_a, PERIOD)["received"]
    # Community B has no rows at all: counts are 0, rates have nothing to divide.
    assert (b["received"], b["overdue_now"], b["wishes_lit"], b["stations"]) == (0, 0, 0, 0)
    assert (b["volunteer_hours"], b["active_volunteers"]) == (0, 0)
    assert b["response_rate"] is b["resolution_rate"] is b["satisfaction_rate"] is None
    # A building has no children below it: no table, and its whistles sit on it directly.
    building = tree.buildings_a[0]
    assert command_center.children_table(building, PERIOD) == []
    assert command_center.placed_directly(building, PERIOD)["received"] == 1
