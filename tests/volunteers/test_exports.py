"""The cadres' Excel export of service hours: the numbers, the period's edges in Shanghai
time, masking, scope and query counts."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from governance import workbooks
from governance.masking import mask_mobile
from governance.models import User
from tests.volunteers.conftest import SHANGHAI, make_activity, volunteer
from volunteers.models import (
    HoursKind,
    HoursStatus,
    Membership,
    MembershipStatus,
    ServiceHours,
    SignUp,
    SignUpStatus,
    Team,
)

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def hours(profile, activity, amount, kind=HoursKind.CREDIT, status=HoursStatus.APPROVED):
    return ServiceHours.objects.create(
        volunteer=profile, activity=activity, kind=kind, hours=Decimal(amount), status=status
    )


@pytest.fixture
def march(service, small_tree):
    """Approved hours in community A on both edges of March (Shanghai time: each edge is on
    the other side of midnight in UTC), and a team in community B."""
    team = service.team
    alice, bob, leader = (u.volunteer for u in (service.alice, service.bob, service.leader))
    before = make_activity(team, starts_at=at(2, 28, 23, 30), title="二月")
    first = make_activity(team, starts_at=at(3, 1, 0, 30), title="三月初")
    last = make_activity(team, starts_at=at(3, 31, 23), title="三月末")
    after = make_activity(team, starts_at=at(4, 1, 0, 30), title="四月")
    hours(leader, before, "2")
    hours(alice, first, "3")
    hours(alice, last, "1.5", kind=HoursKind.HONOUR)
    hours(bob, last, "2")
    hours(bob, first, "5", status=HoursStatus.PENDING)  # not counted
    hours(alice, after, "4")
    SignUp.objects.create(
        activity=first, volunteer=bob, status=SignUpStatus.REGISTERED, no_show=True
    )

    team_b = Team.objects.create(name="幸福服务队", node=small_tree.community_b)
    carol = volunteer("carol", small_tree.community_b, full_name="孙卡罗").volunteer
    Membership.objects.create(team=team_b, volunteer=carol, status=MembershipStatus.APPROVED)
    hours(carol, make_activity(team_b, starts_at=at(3, 10, 9)), "7")
    return service


def workbook(client, params=MARCH):
    """The response and each sheet's rows from its header on (row 1 is the title)."""
    response = client.get(reverse("volunteer-hours-export"), params)
    assert response.status_code == 200, response.content
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return response, [list(sheet.values)[1:] for sheet in book.worksheets]


def by_first_column(rows):
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_numbers_match_the_approved_hours_of_the_period(client_for, cadre_a, march):
    response, (teams, people, months) = workbook(client_for(cadre_a))

    assert "volunteer-hours-HX-01-20260301-20260331.xlsx" in response["Content-Disposition"]
    # Two activities in March; alice and bob served 3 + 1.5 + 2 approved hours.
    assert by_first_column(teams) == {"守望彩虹·助老服务队": ("红旗社区党委", 2, 2, 6.5)}
    # A community cadre of A sees their own volunteers' names; mobiles are always masked.
    assert by_first_column(people) == {
        "王爱丽": (
            mask_mobile(march.alice.mobile),
            "红旗社区党委",
            "守望彩虹·助老服务队",
            4.5,
            3,
            1.5,
            0,
        ),
        "赵小波": (
            mask_mobile(march.bob.mobile),
            "红旗社区党委",
            "守望彩虹·助老服务队",
            2,
            2,
            0,
            1,
        ),
    }
    assert by_first_column(months) == {datetime(2026, 3, 1): (6.5, 2)}


def test_months_follow_shanghai_dates(client_for, cadre_a, march):
    _response, (_teams, _people, months) = workbook(
        client_for(cadre_a), {"from": "2026-02-01", "to": "2026-04-30"}
    )
    assert by_first_column(months) == {
        datetime(2026, 2, 1): (2, 1),
        datetime(2026, 3, 1): (6.5, 2),
        datetime(2026, 4, 1): (4, 1),
    }


def test_the_street_sees_every_community_with_names_masked(client_for, street_cadre, march):
    _response, (teams, people, _months) = workbook(client_for(street_cadre))
    assert set(by_first_column(teams)) == {"守望彩虹·助老服务队", "幸福服务队"}
    assert set(by_first_column(people)) == {"王某", "赵某", "孙某"}


def test_another_community_sees_none_of_community_a(client_for, cadre_b, march):
    response, (teams, people, months) = workbook(client_for(cadre_b))
    assert "HX-02" in response["Content-Disposition"]
    assert by_first_column(teams) == {"幸福服务队": ("幸福社区党委", 1, 1, 7)}
    carol = User.objects.get(username="carol")
    assert by_first_column(people) == {
        "孙卡罗": (mask_mobile(carol.mobile), "幸福社区党委", "幸福服务队", 7, 7, 0, 0)
    }
    assert by_first_column(months) == {datetime(2026, 3, 1): (7, 1)}


def test_a_volunteer_may_not_export(client_for, march):
    response = client_for(march.alice).get(reverse("volunteer-hours-export"), MARCH)
    assert response.status_code == 403
    assert not response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_anonymous_users_are_sent_to_log_in(client, march):
    assert client.get(reverse("volunteer-hours-export")).status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-02-30"},
        {"from": "yesterday"},
        {"from": "2026-04-01", "to": "2026-03-01"},
    ],
)
def test_bad_dates_get_a_clear_400(client_for, cadre_a, params):
    response = client_for(cadre_a).get(reverse("volunteer-hours-export"), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode()


def test_the_period_defaults_to_this_year_so_far(client_for, cadre_a):
    with time_machine.travel(at(5, 20, 10), tick=False):
        response = client_for(cadre_a).get(reverse("volunteer-hours-export"))
    assert "HX-01-20260101-20260520.xlsx" in response["Content-Disposition"]


@pytest.mark.parametrize("n", [1, 8])
def test_the_query_count_does_not_grow_with_rows(
    client_for, cadre_a, service, n, django_assert_max_num_queries
):
    for i in range(n):
        team = Team.objects.create(name=f"队{i}", node=service.team.node)
        person = volunteer(f"v{i}", service.team.node, full_name=f"钱{i}").volunteer
        Membership.objects.create(team=team, volunteer=person, status=MembershipStatus.APPROVED)
        activity = make_activity(team, starts_at=at(3, 1 + i, 9))
        hours(person, activity, "2")
        SignUp.objects.create(
            activity=activity, volunteer=person, status=SignUpStatus.REGISTERED, no_show=True
        )
    client = client_for(cadre_a)
    # Session, user, permissions and scope node, the export's record and its audit entry
    # (with its content type), then one query per figure.
    with django_assert_max_num_queries(16):
        _response, (teams, people, _months) = workbook(client)
    assert len(teams) == n + 1 and len(people) == n + 1


def test_names_like_formulas_are_exported_as_text(client_for, cadre_a, march):
    User.objects.filter(pk=march.alice.pk).update(full_name="@SUM(A1)")
    Team.objects.filter(pk=march.team.pk).update(brand="=1+1")
    response = client_for(cadre_a).get(reverse("volunteer-hours-export"), MARCH)
    teams, people, _months = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    team = {c.value: c for c in teams["A"]}["=1+1·助老服务队"]
    name = {c.value: c for c in people["A"]}["@SUM(A1)"]
    assert [(c.data_type, c.quotePrefix) for c in (team, name)] == [("s", True), ("s", True)]


def test_each_sheet_has_a_title_a_frozen_header_widths_and_typed_rounded_cells(
    client_for, cadre_a, march
):
    # Hours are number cells with 2 decimals (the rounding: tests/governance/test_workbooks.py).
    ServiceHours.objects.filter(volunteer=march.alice.volunteer, hours=Decimal("3")).update(
        hours=Decimal("956.32")
    )
    response = client_for(cadre_a).get(reverse("volunteer-hours-export"), MARCH)
    teams, people, months = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    title = workbooks.heading("红旗社区党委", date(2026, 3, 1), date(2026, 3, 31))
    assert title.startswith("红旗社区党委 · 2026-03-01") and title.endswith("2026-03-31")
    for sheet in (teams, people, months):
        assert sheet["A1"].value == title
        assert sheet["A1"].font.b and all(c.font.b for c in sheet[2])
        assert sheet.freeze_panes == ("B3" if sheet is people else "A3")
    assert [(c.value, c.data_type, c.number_format) for c in teams[3]] == [
        ("守望彩虹·助老服务队", "s", "General"),
        ("红旗社区党委", "s", "General"),
        (2, "n", "General"),
        (2, "n", "General"),
        (959.82, "n", "0.00"),
    ]
    alice = next(row for row in people.iter_rows(min_row=3) if row[0].value == "王爱丽")
    assert [(c.value, c.number_format) for c in alice[4:]] == [
        (957.82, "0.00"),
        (956.32, "0.00"),
        (1.5, "0.00"),
        (0, "General"),
    ]
    month = months["A3"]
    assert (month.value, month.is_date, month.number_format) == (
        datetime(2026, 3, 1),
        True,
        "yyyy-mm",
    )
    # Team names (10 characters, CJK counting double) set the first column's width.
    assert teams.column_dimensions["A"].width == 2 * 10 - 1 + 2
