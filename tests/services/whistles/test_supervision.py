"""The street on an escalated whistle: 督办 (an order with a deadline the handler answers),
改派, comments; the handler asks the community for a transfer, granted or declined; the lead
handler of a signed whistle reads the mobile when the resident agreed to be called."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.workflow import TransitionError
from services.whistles import dispatch, supervision, transfers
from services.whistles.models import EventKind, Status, Supervision, Whistle

pytestmark = pytest.mark.django_db


def detail(w):
    return reverse("whistle-detail", args=[w.pk])


def step(w, name):
    return reverse("whistle-step", args=[w.pk, name])


def step_names(client, w):
    return [name for name, _label, _form in client.get(detail(w)).context["steps"]]


def dispatched(world, **overrides):
    w = dispatch.accept_whistle(whistle=world.submit(**overrides), actor=world.cadre_a)
    return dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)


def escalated(world, **overrides):
    w = dispatched(world, **overrides)
    Whistle.objects.filter(pk=w.pk).update(
        escalated_to=world.tree.street, escalated_at=timezone.now()
    )
    w.refresh_from_db()
    return w


def pending(w):
    return transfers.pending_transfer(Whistle.objects.get(pk=w.pk))  # a fresh instance


def later(hours=24):
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_supervision_is_ordered_answered_and_shown_until_answered(client_for, world):
    w = escalated(world)
    street = client_for(world.street_cadre)
    assert {"supervise", "redispatch", "comment"} <= set(step_names(street, w))
    street.post(step(w, "supervise"), {"comment": "请三日内清理完毕", "due_at": later()})
    order = Supervision.objects.get(whistle=w)
    assert order.answered_at is None and order.ordered_by == world.street_cadre
    assert "supervise" not in step_names(street, w)  # one open order at a time

    handler = client_for(world.handler)
    assert "answer-supervision" in step_names(handler, w)
    work = handler.get(reverse("mobile-home")).content.decode()
    assert w.tracking_code in work and f'<span class="badge">{_("supervised")} ' in work
    listed = handler.get(reverse("whistle-list")).context["page"].object_list
    assert [x.supervision_due for x in listed if x.pk == w.pk] == [order.due_at]

    handler.post(step(w, "answer-supervision"), {"answer": ""})  # refused: words needed
    order.refresh_from_db()
    assert order.answered_at is None
    handler.post(step(w, "answer-supervision"), {"answer": "已安排周三清理"})
    order.refresh_from_db()
    assert order.answer == "已安排周三清理" and order.answered_by == world.handler
    assert "answer-supervision" not in step_names(handler, w)
    kinds = list(w.events.values_list("kind", flat=True))
    assert EventKind.SUPERVISED in kinds and EventKind.SUPERVISION_ANSWERED in kinds


def test_overdue_supervision_is_visible_to_the_street(client_for, world):
    w = escalated(world)
    supervision.supervise_whistle(
        whistle=w,
        actor=world.street_cadre,
        comment="尽快处理",
        due_at=timezone.now() + timedelta(hours=1),
    )
    Supervision.objects.filter(whistle=w).update(due_at=timezone.now() - timedelta(hours=1))
    other = escalated(world)
    supervision.supervise_whistle(
        whistle=other,
        actor=world.street_cadre,
        comment="尽快",
        due_at=timezone.now() + timedelta(days=1),
    )
    street = client_for(world.street_cadre)
    response = street.get(reverse("whistle-list"), {"supervision": "overdue"})
    assert [x.pk for x in response.context["page"].object_list] == [w.pk]
    open_ones = street.get(reverse("whistle-list"), {"supervision": "open"})
    assert {x.pk for x in open_ones.context["page"].object_list} == {w.pk, other.pk}


def test_only_the_street_supervises_and_only_once_escalated(world):
    w = dispatched(world)
    with pytest.raises(PermissionDenied):  # not escalated yet
        supervision.supervise_whistle(
            whistle=w,
            actor=world.street_cadre,
            comment="x督办",
            due_at=timezone.now() + timedelta(days=1),
        )
    w = escalated(world)
    for user in (world.cadre_a, world.handler, world.cadre_b):
        with pytest.raises(PermissionDenied):
            supervision.supervise_whistle(
                whistle=w, actor=user, comment="x督办", due_at=timezone.now() + timedelta(days=1)
            )
    with pytest.raises(TransitionError):
        supervision.supervise_whistle(
            whistle=w,
            actor=world.street_cadre,
            comment="x",
            due_at=timezone.now() - timedelta(hours=1),
        )
    assert not Supervision.objects.exists()


def test_redispatch_moves_it_to_another_department_on_the_timeline(client_for, world):
    w = escalated(world)
    client_for(world.street_cadre).post(
        step(w, "redispatch"), {"department": world.housing.pk, "note": "属房管职责"}
    )
    w.refresh_from_db()
    assert (w.status, w.lead_department) == (Status.DISPATCHED, world.housing)
    event = w.events.get(kind=EventKind.REDISPATCHED)
    assert world.housing.name in event.note and event.actor == world.street_cadre
    # The old department no longer sees it; the new one does.
    assert client_for(world.handler).get(detail(w)).status_code == 404
    assert client_for(world.other_handler).get(detail(w)).status_code == 200


def test_comments_are_internal(client_for, world):
    w = escalated(world)
    client_for(world.street_cadre).post(step(w, "comment"), {"note": "请注意安全"})
    client_for(world.handler).post(step(w, "comment"), {"note": "已联系物业"})
    notes = list(w.events.filter(kind=EventKind.COMMENTED).values_list("note", "public"))
    assert notes == [("请注意安全", False), ("已联系物业", False)]
    client_for(world.cadre_b).post(step(w, "comment"), {"note": "外人"})
    assert w.events.filter(kind=EventKind.COMMENTED).count() == 2


def test_a_transfer_asked_by_the_handler_is_granted_or_declined(client_for, world):
    w = dispatched(world)
    handler = client_for(world.handler)
    assert "ask-transfer" in step_names(handler, w)
    handler.post(step(w, "ask-transfer"), {"department": world.housing.pk, "reason": "属房屋问题"})
    assert pending(w).department == world.housing
    assert "ask-transfer" not in step_names(handler, w)

    cadre = client_for(world.cadre_a)
    assert "decide-transfer" in step_names(cadre, w)
    cadre.post(step(w, "decide-transfer"), {"grant": "no", "note": ""})  # a reason is needed
    assert pending(w) is not None
    cadre.post(step(w, "decide-transfer"), {"grant": "no", "note": "仍属城管职责"})
    w.refresh_from_db()
    assert w.lead_department == world.city and pending(w) is None
    assert w.events.filter(kind=EventKind.TRANSFER_DECLINED, note="仍属城管职责").exists()

    handler = client_for(world.handler)  # the test client is one browser: log in again
    handler.post(step(w, "ask-transfer"), {"department": world.housing.pk, "reason": "确属房屋"})
    cadre = client_for(world.cadre_a)
    cadre.post(step(w, "decide-transfer"), {"grant": "yes"})
    w.refresh_from_db()
    assert (w.status, w.lead_department) == (Status.DISPATCHED, world.housing)
    assert w.events.filter(kind=EventKind.TRANSFER_GRANTED).exists()


def test_outsiders_can_take_none_of_the_new_steps(client_for, world):
    w = escalated(world)
    for outsider, status in (
        (world.cadre_b, 404),
        (world.worker_b, 404),
        (world.other_handler, 404),
    ):
        client = client_for(outsider)
        for name in ("supervise", "redispatch", "comment", "ask-transfer", "decide-transfer"):
            assert client.post(step(w, name), {"note": "x", "comment": "x"}).status_code == status
    assert not Supervision.objects.exists() and not w.transfers.exists()
    assert not w.events.filter(kind=EventKind.COMMENTED).exists()
    # The community may not supervise or re-dispatch (the street's tools).
    cadre = client_for(world.cadre_a)
    assert not {"supervise", "redispatch"} & set(step_names(cadre, w))


def test_the_lead_handler_of_a_signed_whistle_reads_the_mobile_with_consent(client_for, world):
    agreed = dispatched(world)
    refused = dispatched(world, contact_consent=False)
    handler = client_for(world.handler)
    assert handler.get(detail(agreed)).context["reporter_mobile"] == "139****5678"  # not signed
    for w in (agreed, refused):
        dispatch.sign_whistle(whistle=w, actor=world.handler)
    assert handler.get(detail(agreed)).context["reporter_mobile"] == "13912345678"
    assert handler.get(detail(agreed)).context["reporter_name"] == "张某"
    assert handler.get(detail(refused)).context["reporter_mobile"] == "139****5678"
    # A co-handling department's handler keeps the masked value.
    co = dispatched(world)
    Whistle.objects.get(pk=co.pk).co_departments.add(world.housing)
    dispatch.sign_whistle(whistle=co, actor=world.handler)
    page = client_for(world.other_handler).get(detail(co))
    assert page.context["reporter_mobile"] == "139****5678"
    assert (
        client_for(world.worker_a).get(detail(agreed)).context["reporter_mobile"] == "139****5678"
    )
