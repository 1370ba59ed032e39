"""Deadlines, reminders at 50 % and 80 %, escalation when overdue, routing after commit and
after a broker outage. Time is frozen; every scan runs twice and sends once."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from governance.models import Notification
from services.tasks import scan_whistles
from services.whistles import dispatch, routing, sla
from services.whistles.models import EventKind, Whistle, WhistleReminder

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def reminders(user, whistle):
    title = _("Reminder: whistle %(code)s") % {"code": whistle.tracking_code}
    return [t for t in inbox(user) if t == title]


def test_deadlines_follow_the_12345_classes(world):
    with time_machine.travel(T0, tick=False):
        danger = world.submit(category=world.danger)
        general = world.submit()
    assert danger.dispatch_due == T0 + timedelta(hours=1)
    assert danger.resolve_due == T0 + timedelta(hours=2)
    assert general.dispatch_due == T0 + timedelta(hours=24)
    assert general.resolve_due == T0 + timedelta(days=7)
    assert WhistleReminder.objects.filter(whistle=danger).count() == 6  # 2 deadlines × 3


def test_reminders_at_50_and_80_percent_are_sent_once(world):
    with time_machine.travel(T0, tick=False):
        w = world.submit(category=world.danger)
    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        assert sla.fire_due_reminders() == 0
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        assert sla.fire_due_reminders() == 1  # 50 % of the hour to dispatch
        assert sla.fire_due_reminders() == 0  # the second scan sends nothing
    assert len(reminders(world.cadre_a, w)) == 1
    with time_machine.travel(T0 + timedelta(minutes=49), tick=False):
        scan_whistles()
        scan_whistles()
    # 80 % of the hour to dispatch (48 min); the resolve clock's 50 % comes at 60 min.
    assert len(reminders(world.cadre_a, w)) == 2
    assert w.events.filter(kind=EventKind.REMINDED).count() == 2
    assert not inbox(world.cadre_b)


def test_an_overdue_whistle_is_escalated_to_the_street_once(world):
    with time_machine.travel(T0, tick=False):
        w = world.submit(category=world.danger)
    with time_machine.travel(T0 + timedelta(hours=1, minutes=1), tick=False):
        scan_whistles()
        scan_whistles()
    w.refresh_from_db()
    assert w.escalated_to == world.tree.street
    assert w.escalated_at == T0 + timedelta(hours=1, minutes=1)
    assert w.events.filter(kind=EventKind.ESCALATED).count() == 1
    escalated = _("Overdue whistle %(code)s escalated") % {"code": w.tracking_code}
    assert inbox(world.street_cadre).count(escalated) == 1
    assert Whistle.objects.overdue().filter(pk=w.pk).exists()


def test_a_met_deadline_sends_nothing(world):
    with time_machine.travel(T0, tick=False):
        w = world.submit(category=world.danger)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
        dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        scan_whistles()
    # Dispatch reminders are moot; the resolve clock's 50 % (at 60 min) has not come yet.
    assert not w.events.filter(kind=EventKind.REMINDED).exists()
    assert WhistleReminder.objects.filter(whistle=w, deadline="dispatch", sent=False).count() == 2
    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        scan_whistles()
    assert len(reminders(world.handler, w)) == 1


def test_an_approved_extension_moves_the_reminders(world):
    with time_machine.travel(T0, tick=False):
        w = world.submit(category=world.danger)
        w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
        w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
        w = dispatch.sign_whistle(whistle=w, actor=world.handler)
        w = dispatch.request_extension(
            whistle=w, actor=world.handler, reason="等配件", until=T0 + timedelta(hours=10)
        )
        dispatch.decide_extension(whistle=w, actor=world.cadre_a, approve=True)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        scan_whistles()
    w.refresh_from_db()
    assert w.escalated_at is None  # the old 2-hour deadline no longer applies
    with time_machine.travel(T0 + timedelta(hours=10, minutes=1), tick=False):
        scan_whistles()
    w.refresh_from_db()
    assert w.escalated_at is not None


def test_routing_runs_after_commit_and_only_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = world.submit()
    w.refresh_from_db()
    assert w.routed_at and w.suggested_department == world.city
    assert any(w.tracking_code in t for t in inbox(world.cadre_a))
    assert routing.route_whistle(w.pk) is False
    assert w.events.filter(kind=EventKind.ROUTED).count() == 1


def test_a_broker_outage_loses_nothing(world, client, django_capture_on_commit_callbacks):
    from services.tasks import route_whistle

    with (
        mock.patch.object(route_whistle, "delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/report/",
            {
                "category": world.general.pk,
                "description": "路灯不亮已经一周了。",
                "community": world.tree.community_a.pk,
                "building": world.tree.buildings_a[0].pk,
                "reporter_name": "李四",
                "reporter_mobile": "13800001111",
            },
        )
    assert response.status_code == 302
    w = Whistle.objects.get()
    assert w.routed_at is None
    with time_machine.travel(w.created_at + timedelta(minutes=2), tick=False):
        assert scan_whistles()["routed"] == 1
        assert scan_whistles()["routed"] == 0
    w.refresh_from_db()
    assert w.routed_at and w.suggested_department == world.city


def test_a_late_scan_sends_one_reminder_and_one_escalation_not_a_burst(world):
    with time_machine.travel(T0, tick=False):
        w = world.submit(category=world.danger)
    # Beat was down for three hours: every threshold of both deadlines is due.
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        scan_whistles()
        scan_whistles()
    w.refresh_from_db()
    assert w.escalated_at == T0 + timedelta(hours=3)
    assert reminders(world.cadre_a, w) == []
    escalated = _("Overdue whistle %(code)s escalated") % {"code": w.tracking_code}
    assert inbox(world.cadre_a).count(escalated) == 1
    assert inbox(world.street_cadre).count(escalated) == 1
    assert not WhistleReminder.objects.filter(done_at__isnull=True).exists()
