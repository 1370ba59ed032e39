"""Each step of 居民吹哨—社区转哨—部门办哨, its event, and the steps it refuses."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance.workflow import TransitionError
from services.whistles import callbacks, dispatch, rating
from services.whistles.models import CallBack, CallBackOutcome, EventKind, Rating, Status

pytestmark = pytest.mark.django_db


def kinds(whistle):
    return list(whistle.events.values_list("kind", flat=True))


def dispatched(world, **kwargs):
    w = dispatch.accept_whistle(whistle=world.submit(**kwargs), actor=world.cadre_a)
    return dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)


def test_the_whole_path_records_every_step_with_actor_and_time(world):
    w = world.submit()
    assert w.status == Status.SUBMITTED and len(w.tracking_code) == 10
    w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a, note="已联系物业")
    w = dispatch.dispatch_whistle(
        whistle=w, actor=world.cadre_a, department=world.city, co_departments=[world.housing]
    )
    assert w.responded_on_time is True
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已清理")
    w = rating.rate_whistle(whistle=w, rating=Rating.SATISFIED, comment="很快")
    assert w.status == Status.CLOSED and w.rating == Rating.SATISFIED
    assert kinds(w) == [
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
        EventKind.DISPATCHED,
        EventKind.SIGNED,
        EventKind.RESOLVED,
        EventKind.RATED,
        EventKind.CLOSED,
    ]
    accepted = w.events.get(kind=EventKind.ACCEPTED)
    assert accepted.actor == world.cadre_a and accepted.note == "已联系物业" and accepted.at
    assert list(w.co_departments.all()) == [world.housing]


def test_dispatch_to_the_grid_is_handled_by_its_grid_worker(world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, grid=world.tree.grid_a)
    with pytest.raises(PermissionDenied):
        dispatch.sign_whistle(whistle=w, actor=world.worker_b)
    w = dispatch.sign_whistle(whistle=w, actor=world.worker_a)
    assert w.status == Status.SIGNED


def test_a_step_cannot_be_taken_twice(world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    with pytest.raises(TransitionError):
        dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
    with pytest.raises(TransitionError):
        dispatch.reject_whistle(whistle=w, actor=world.cadre_a, reason="重复")
    w = dispatched(world)
    with pytest.raises(TransitionError):
        dispatch.resolve_whistle(whistle=w, actor=world.handler, note="未接单就办结")


def test_only_the_whistles_own_cadres_and_handlers_may_act(world):
    w = world.submit()
    with pytest.raises(PermissionDenied):
        dispatch.accept_whistle(whistle=w, actor=world.cadre_b)
    with pytest.raises(PermissionDenied):
        dispatch.accept_whistle(whistle=w, actor=world.handler)
    dispatch.accept_whistle(whistle=w, actor=world.street_cadre)  # the street may act too
    w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    with pytest.raises(PermissionDenied):
        dispatch.sign_whistle(whistle=w, actor=world.other_handler)


def test_dispatch_needs_exactly_one_target_in_the_right_place(world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    with pytest.raises(TransitionError):
        dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a)
    with pytest.raises(TransitionError):
        dispatch.dispatch_whistle(
            whistle=w, actor=world.cadre_a, department=world.city, grid=world.tree.grid_a
        )
    with pytest.raises(TransitionError, match="网格|grid"):
        dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, grid=world.tree.grid_b)


def test_rejection_needs_a_reason_and_ends_the_whistle(world):
    w = world.submit()
    with pytest.raises(TransitionError):
        dispatch.reject_whistle(whistle=w, actor=world.cadre_a, reason="  ")
    w = dispatch.reject_whistle(whistle=w, actor=world.cadre_a, reason="属于物业纠纷")
    assert w.status == Status.REJECTED and w.responded_at
    assert w.events.get(kind=EventKind.REJECTED).public


def test_a_return_goes_back_to_the_community_with_a_fresh_dispatch_clock(world):
    w = dispatched(world)
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    with pytest.raises(TransitionError):
        dispatch.return_whistle(whistle=w, actor=world.handler, reason="")
    before = w.dispatch_due
    w = dispatch.return_whistle(whistle=w, actor=world.handler, reason="不属于我部门职责")
    assert w.status == Status.ACCEPTED and w.lead_department is None
    assert w.dispatch_due > before
    assert w.events.last().kind == EventKind.RETURNED
    dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, grid=world.tree.grid_a)


def test_an_extension_is_asked_then_approved_or_refused(world):
    w = dispatch.sign_whistle(whistle=dispatched(world), actor=world.handler)
    with pytest.raises(TransitionError):
        dispatch.request_extension(
            whistle=w,
            actor=world.handler,
            reason="等配件",
            until=w.resolve_due - timedelta(hours=1),
        )
    later = w.resolve_due + timedelta(days=3)
    w = dispatch.request_extension(whistle=w, actor=world.handler, until=later, reason="等配件")
    with pytest.raises(TransitionError):
        dispatch.request_extension(whistle=w, actor=world.handler, until=later, reason="再次")
    with pytest.raises(PermissionDenied):
        dispatch.decide_extension(whistle=w, actor=world.handler, approve=True)
    w = dispatch.decide_extension(whistle=w, actor=world.cadre_a, approve=True)
    assert w.resolve_due == later and w.extension_until is None

    w = dispatch.request_extension(
        whistle=w, actor=world.handler, reason="还要等", until=later + timedelta(days=1)
    )
    w = dispatch.decide_extension(whistle=w, actor=world.cadre_a, approve=False, note="请加快")
    assert w.resolve_due == later
    assert kinds(w)[-2:] == [EventKind.EXTENSION_ASKED, EventKind.EXTENSION_REFUSED]


def test_not_fixed_reopens_to_the_community_and_counts(world):
    w = dispatch.sign_whistle(whistle=dispatched(world), actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已处理")
    w = rating.rate_whistle(whistle=w, rating=Rating.DISSATISFIED, fixed=False, comment="还在")
    assert w.status == Status.ACCEPTED and w.reopened_count == 1
    assert w.lead_department is None and w.resolved_at is None
    assert kinds(w)[-2:] == [EventKind.RATED, EventKind.REOPENED]


def test_an_unrated_resolution_closes_after_seven_days_and_a_callback_follows(world):
    w = dispatch.sign_whistle(whistle=dispatched(world), actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已处理")
    assert rating.close_unrated(now=timezone.now() + timedelta(days=6)) == 0
    assert rating.close_unrated(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert rating.close_unrated(now=timezone.now() + timedelta(days=8)) == 0
    w.refresh_from_db()
    assert w.status == Status.CLOSED and w.rating is None
    callback = CallBack.objects.get(whistle=w)
    assert callback.node == world.tree.grid_a
    assert callback.due_at == w.closed_at + timedelta(days=1)


def test_the_callback_is_recorded_once_by_the_buildings_grid_worker(world):
    w = dispatch.sign_whistle(whistle=dispatched(world), actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已处理")
    w = rating.rate_whistle(whistle=w, rating=Rating.VERY_SATISFIED)
    callback = w.callback
    with pytest.raises(PermissionDenied):
        callbacks.record_callback(
            callback=callback, actor=world.worker_b, outcome=CallBackOutcome.SATISFIED
        )
    callbacks.record_callback(
        callback=callback,
        actor=world.worker_a,
        outcome=CallBackOutcome.SATISFIED,
        note="居民表示满意",
    )
    with pytest.raises(TransitionError):
        callbacks.record_callback(
            callback=callback, actor=world.worker_a, outcome=CallBackOutcome.UNREACHABLE
        )
    assert w.events.last().kind == EventKind.CALLED_BACK


def test_no_callback_without_consent(world):
    w = dispatched(world, contact_consent=False)
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已处理")
    rating.rate_whistle(whistle=w, rating=Rating.SATISFIED)
    assert not CallBack.objects.filter(whistle=w).exists()


def test_whistles_follow_a_building_moved_to_another_community(world):
    from governance.models import OrgNode

    w = world.submit()  # in building A1, community A
    OrgNode.tree.move_node(world.tree.buildings_a[0], world.tree.grid_b, "last-child")
    w.refresh_from_db()
    assert w.community == world.tree.community_b
    for cadre in (world.cadre_a, world.cadre_b):  # as a new request would load them
        cadre.node.refresh_from_db()
    dispatch.accept_whistle(whistle=w, actor=world.cadre_b)
    with pytest.raises(PermissionDenied):
        dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
