"""Party life's figures in the command center, on a known set."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.composite.command_center import Period
from governance.models import PartnerUnit
from governance.party.contributions import node_figures
from governance.party.models import (
    MemberKind,
    MemberReport,
    MemberStatus,
    Need,
    NeedStatus,
    PartyMember,
    PostClaim,
    Project,
    ProjectStatus,
    ServiceEntry,
    ServiceKind,
    ServicePost,
    UnitReport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(small_tree):
    a, b = small_tree.community_a, small_tree.community_b
    members = [
        PartyMember.objects.create(node=a, name="甲", status=MemberStatus.EMPLOYED),
        PartyMember.objects.create(
            node=small_tree.grid_a,
            name="乙",
            kind=MemberKind.PROBATIONARY,
            status=MemberStatus.MOBILE,
        ),
        PartyMember.objects.create(node=a, name="丙", status=MemberStatus.LOST),
        PartyMember.objects.create(node=b, name="丁"),
    ]
    for member in members[:2]:
        MemberReport.objects.create(member=member, community=a)
    today = timezone.localdate()
    ServiceEntry.objects.create(member=members[0], on=today, what="义诊")
    ServiceEntry.objects.create(member=members[0], on=today, what="巡逻")
    ServiceEntry.objects.create(member=members[1], on=today - timedelta(days=400), what="去年")
    unit = PartnerUnit.objects.create(name="区税务局", node=a)
    other_unit = PartnerUnit.objects.create(name="区医院", node=a)
    UnitReport.objects.create(
        unit=unit, community=a, members_count=3, offer="x", signed_at=timezone.now()
    )
    UnitReport.objects.create(unit=other_unit, community=a, members_count=3, offer="x")
    post = ServicePost.objects.create(community=a, kind=ServiceKind.LEGAL, title="法律", needed=3)
    closed = ServicePost.objects.create(
        community=a, kind=ServiceKind.OTHER, title="旧岗", needed=5, open=False
    )
    PostClaim.objects.create(post=post, member=members[0])
    PostClaim.objects.create(post=post, member=members[1])
    PostClaim.objects.create(post=closed, member=members[0])
    need = Need.objects.create(community=a, title="灯", status=NeedStatus.MATCHED)
    Need.objects.create(community=a, title="路")
    Project.objects.create(unit=unit, need=need, title="灯", started_on=today)
    Project.objects.create(
        unit=unit, title="旧", started_on=today, status=ProjectStatus.DONE, done_on=today
    )
    return small_tree


def test_the_communitys_party_figures(known):
    figures = node_figures(known.community_a, Period.last(30))
    assert figures == {
        "roster": 3,
        "probationary": 1,
        "in_service": 1,
        "mobile_members": 1,
        "out_of_contact": 1,
        "members_reported": 2,
        "units_reported": 1,
        "post_places": 3,
        "post_places_taken": 2,
        "projects_open": 1,
        "projects_done": 1,
        "services_per_member": 1.0,  # two services this year between two reported members
        "needs_matched": 0.5,
    }
    other = node_figures(known.community_b, Period.last(30))
    assert (other["roster"], other["members_reported"], other["needs_matched"]) == (1, 0, None)
    assert node_figures(known.street, Period.last(30))["roster"] == 4


def test_the_command_center_shows_them_per_node_and_child(known, client_for, street_cadre):
    page = client_for(street_cadre).get(reverse("command-center"))
    assert page.context["data"]["roster"] == 4
    rows = {row["node"].code: row for row in page.context["table"]}
    assert (rows["HX-01"]["party_roster"], rows["HX-02"]["party_roster"]) == (3, 1)
