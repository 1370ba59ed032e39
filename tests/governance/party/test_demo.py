"""The demo street's party life agrees with itself and with the registers it leans on."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from governance.models import User
from governance.party.feedback import services
from governance.party.models import (
    Alliance,
    FeedbackLetter,
    MemberReport,
    PartyMember,
    Project,
    ProjectStatus,
    ServicePost,
    UnitReport,
)

pytestmark = pytest.mark.django_db


def test_the_demo_party_life():
    call_command("seed_demo")
    heads = User.objects.filter(username__startswith="pm_")
    assert PartyMember.objects.filter(user__in=heads).count() == heads.count() > 200
    # Each head sits on the roster of the grid branch their household hangs under.
    for member in PartyMember.objects.filter(user__in=heads).select_related("node", "user__node"):
        assert member.node.is_ancestor_of(member.user.node) and member.node.kind == 2
    assert MemberReport.objects.filter(community__code="HX-01").count() == 40
    assert MemberReport.objects.filter(member__user__username="volunteer").exists()
    posts = ServicePost.objects.annotate(taken=Count("claims"))
    assert posts.count() == 8 and not posts.filter(taken__gt=F("needed")).exists()
    assert (
        UnitReport.objects.count() == 6 and UnitReport.objects.filter(signed_at=None).count() == 1
    )
    assert UnitReport.objects.filter(unit__contacts__username="partner").exists()
    assert Alliance.objects.get().units.count() == 5
    # The partner's unit has last quarter's letter, naming 陈海燕 (the demo volunteer).
    letter = FeedbackLetter.objects.get(unit__contacts__username="partner")
    assert any(
        m.user and m.user.username == "volunteer" and entries for m, entries in services(letter)
    )
    assert sorted(Project.objects.values_list("status", flat=True)) == [
        ProjectStatus.DONE,
        ProjectStatus.OPEN,
    ]
