"""Faults a street office's server will meet: a worker killed in the middle of a task, two
beat schedulers running at once, the database connection dropped during a step. Nothing is
half-written, nothing is done twice, and what was interrupted is caught up from the state in
the database."""

import multiprocessing
from datetime import timedelta
from unittest import mock

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.db import Error, connection, connections
from django.utils import timezone

from services.tasks import scan_whistles
from services.whistles import dispatch, routing
from services.whistles.models import EventKind, Status, Whistle, WhistleEvent

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a worker killed mid-task looks like from inside: not an error it could handle."""


def test_a_worker_killed_mid_routing_leaves_the_whistle_to_the_catch_up(world):
    assert settings.CELERY_TASK_ACKS_LATE  # the broker gives the message to another worker
    whistle = world.submit()
    with mock.patch.object(routing, "notify", side_effect=Killed), pytest.raises(Killed):
        routing.route_whistle(whistle.pk)
    whistle.refresh_from_db()
    assert whistle.routed_at is None and whistle.suggested_department is None
    assert not whistle.events.filter(kind=EventKind.ROUTED).exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert routing.route_pending() == 1  # the beat scan, or the redelivered message
        assert routing.route_pending() == 0
    assert whistle.events.filter(kind=EventKind.ROUTED).count() == 1


def _beat(at):
    connections.close_all()
    with time_machine.travel(at, tick=False):
        done = scan_whistles()
    connections.close_all()
    return done["reminders"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beat_schedulers_at_once_send_each_reminder_once(requires_postgres, world):
    """Two beats by mistake (a second server started with beat): each runs the whole scan."""
    whistles = [world.submit(category=world.danger) for _ in range(8)]
    later = whistles[-1].created_at + timedelta(minutes=55)
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        sent = sum(pool.map(_beat, [later, later]))
    assert sent == 8
    assert WhistleEvent.objects.filter(kind=EventKind.REMINDED).count() == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_during_a_step_writes_nothing(requires_postgres, world):
    whistle = world.submit()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    original = dispatch.record

    def drop_then_record(*args, **kwargs):
        # The status is saved but not committed when the server ends this connection.
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return original(*args, **kwargs)

    with mock.patch.object(dispatch, "record", side_effect=drop_then_record), pytest.raises(Error):
        dispatch.accept_whistle(whistle=whistle, actor=world.cadre_a)
    connection.close()  # the next query opens a new connection
    whistle = Whistle.objects.get(pk=whistle.pk)
    assert whistle.status == Status.SUBMITTED
    assert not whistle.events.filter(kind=EventKind.ACCEPTED).exists()
    assert dispatch.accept_whistle(whistle=whistle, actor=world.cadre_a).status == Status.ACCEPTED
