"""网格呼叫、党员先到: the whistle's community calls its grid's party members; the first to
answer is recorded once, even when several answer at once (PostgreSQL), and goes on their
service card."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import Notification, User
from governance.party import service_card
from governance.party.models import MemberReport, PartyMember
from services.whistles import member_calls
from services.whistles.models import MemberCall
from tests.factories import UserFactory
from tests.threads import together


def member(node, name, **more):
    user = UserFactory(node=node, full_name=name, is_party_member=True)
    return PartyMember.objects.create(node=node, name=name, user=user, **more)


@pytest.fixture
def called(world):
    tree = world.tree
    whistle = world.submit(building=tree.buildings_a[0], community=tree.community_a)
    in_grid = member(tree.grid_a, "欧阳娜娜")
    reported = member(tree.community_b, "张伟")
    MemberReport.objects.create(member=reported, community=tree.community_a)
    elsewhere = member(tree.grid_b, "王芳")
    return whistle, in_grid, reported, elsewhere


@pytest.mark.django_db
def test_the_community_calls_the_grids_members_once(world, called):
    whistle, in_grid, reported, elsewhere = called
    call, count = member_calls.call(world.cadre_a, whistle)
    assert (call.grid, count) == (world.tree.grid_a, 2)
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {in_grid.user_id, reported.user_id}
    with pytest.raises(ValidationError):
        member_calls.call(world.cadre_a, whistle)
    with pytest.raises(PermissionDenied):
        member_calls.call(world.cadre_b, world.submit(building=world.tree.buildings_a[1]))


@pytest.mark.django_db
def test_the_first_to_answer_is_recorded_and_goes_on_the_card(world, called):
    whistle, in_grid, reported, elsewhere = called
    call, _count = member_calls.call(world.cadre_a, whistle)
    assert member_calls.answer(reported.user, call) is True
    assert member_calls.answer(in_grid.user, call) is False
    with pytest.raises(PermissionDenied):
        member_calls.answer(elsewhere.user, call)  # not called
    call.refresh_from_db()
    assert call.answered_by == reported
    card = service_card.card(reported, timezone.localdate().year)
    assert [entry.what.split()[0] for entry in card.entries] == [whistle.tracking_code]
    assert service_card.card(in_grid, timezone.localdate().year).entries == []


@pytest.mark.django_db
def test_the_pages(world, called, client_for):
    whistle, in_grid, reported, elsewhere = called
    detail = reverse("whistle-detail", args=[whistle.pk])
    assert client_for(world.cadre_a).get(detail).context["may_call_members"]
    client_for(world.cadre_a).post(reverse("whistle-call-members", args=[whistle.pk]))
    call = MemberCall.objects.get()
    answer = reverse("whistle-call-answer", args=[call.pk])
    assert client_for(in_grid.user).get(answer).status_code == 200
    client_for(in_grid.user).post(answer)
    page = client_for(world.cadre_a).get(detail)
    assert page.context["call_answered_by"] == "欧阳娜娜"
    assert client_for(world.street_cadre).get(detail).context["call_answered_by"] == "欧阳某"
    assert client_for(elsewhere.user).post(answer).status_code == 403
    assert client_for(UserFactory()).get(answer).status_code == 404
    assert client_for(elsewhere.user).get(answer).status_code == 404
    other = client_for(world.cadre_b).post(reverse("whistle-call-members", args=[whistle.pk]))
    assert other.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_members_answering_at_once_record_one_first(requires_postgres, world):
    tree = world.tree
    whistle = world.submit(building=tree.buildings_a[0], community=tree.community_a)
    members = [member(tree.grid_a, f"党员{i}") for i in range(8)]
    call, _count = member_calls.call(world.cadre_a, whistle)
    outcomes = together(
        [(lambda pk=m.user_id: member_calls.answer(User.objects.get(pk=pk), call)) for m in members]
    )
    assert outcomes.count(True) == 1 and outcomes.count(False) == 7
    assert MemberCall.objects.get().answered_by in members
