"""Team leaders put activities on from the phone: only for teams they lead (or, for cadres,
teams of their area), with the admin's rules, bad input as messages and nothing saved."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.volunteers.conftest import T0
from volunteers.models import Activity, Membership, MembershipStatus, Team

pytestmark = pytest.mark.django_db
NEW = reverse("volunteer-activity-new")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form(team, starts=T0 + timedelta(days=3), **extra):
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "team": team.pk,
        "title": "楼道清扫",
        "description": "带上手套。",
        "place": "锦绣苑3号楼",
        "starts_at": starts.strftime(fmt),
        "ends_at": (starts + timedelta(hours=2)).strftime(fmt),
        "signup_deadline": (starts - timedelta(hours=12)).strftime(fmt),
        "capacity": 8,
        "difficulty": "1.0",
        "points_per_hour": 10,
        **extra,
    }


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def other_team(small_tree):
    return Team.objects.create(name="巡逻队", brand="小红帽", node=small_tree.community_b)


def test_a_leader_puts_an_activity_on_for_their_team(service, other_team):
    leader = client_for(service.leader)
    with time_machine.travel(T0, tick=False):
        page = leader.get(NEW)
        assert list(page.context["form"].fields["team"].queryset) == [service.team]
        done = leader.post(NEW, form(service.team), follow=True)
    made = Activity.objects.get(title="楼道清扫")
    assert done.redirect_chain[-1][0] == reverse("volunteer-activity", args=[made.pk])
    assert (made.team, made.node, made.capacity) == (service.team, service.team.node, 8)
    assert made.starts_at == T0 + timedelta(days=3)  # read in Asia/Shanghai


def test_not_a_leader_or_another_team_is_refused(service, other_team, cadre_b):
    with time_machine.travel(T0, tick=False):
        assert client_for(service.alice).get(NEW).status_code == 403  # a member, no leader
        assert client_for(service.alice).post(NEW, form(service.team)).status_code == 403
        # A leader posting another community's team: not a choice, nothing saved.
        refused = client_for(service.leader).post(NEW, form(other_team), follow=True)
        assert refused.status_code == 200 and messages_of(refused)
        # A cadre of 幸福 plans for 幸福's team, never for 红旗's.
        cadre = client_for(cadre_b)
        assert list(cadre.get(NEW).context["form"].fields["team"].queryset) == [other_team]
        cadre.post(NEW, form(service.team))
    assert not Activity.objects.filter(title="楼道清扫").exists()


def test_a_former_leader_plans_no_more(service):
    Membership.objects.filter(volunteer__user=service.leader).update(status=MembershipStatus.LEFT)
    assert client_for(service.leader).get(NEW).status_code == 403


@pytest.mark.parametrize(
    "change, word",
    [
        ({"ends_at": (T0 + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}, "end"),
        ({"signup_deadline": (T0 + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")}, "deadline"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 5000}, "capacity"),
        ({"starts_at": (T0 - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}, "past"),
        ({"starts_at": "明天"}, "not a date"),
        ({"title": ""}, "title"),
        ({"title": "楼道\x00清扫"}, "control character"),
    ],
)
def test_bad_input_is_a_message_and_saves_nothing(service, change, word):
    with time_machine.travel(T0, tick=False):
        response = client_for(service.leader).post(NEW, form(service.team, **change))
    assert response.status_code == 200, word
    assert messages_of(response), word
    assert not Activity.objects.filter(place="锦绣苑3号楼").exists(), word


def test_the_plan_page_and_the_home_button_keep_flat_queries(
    service, django_assert_max_num_queries
):
    leader = client_for(service.leader)
    with django_assert_max_num_queries(16):
        home = leader.get(reverse("volunteer-home"))
    assert home.context["can_plan"]
    assert not client_for(service.alice).get(reverse("volunteer-home")).context["can_plan"]
    with django_assert_max_num_queries(16):
        assert leader.get(NEW, {"team": service.team.pk}).status_code == 200
