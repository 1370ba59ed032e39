"""The SMS outbox: once per key, sent after commit through the HTTP gateway, retried with
backoff, caught up by beat, never sent twice by two workers; off without a gateway URL;
the admin list masks mobiles."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from governance import sms
from governance.models import Notification, OutboundSMS
from governance.notifications import SMSChannel
from tests.factories import UserFactory
from tests.governance import sms_gateway

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"


@pytest.fixture
def gateway(settings, monkeypatch):
    with sms_gateway.start(settings, monkeypatch) as started:
        yield started


def test_a_message_is_sent_after_commit_once_per_key(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = sms.queue(mobile=MOBILE, text="您反映的问题已受理。", key="whistle:1:accepted:9")
        assert sms.queue(mobile=MOBILE, text="again", key="whistle:1:accepted:9") is None
    assert gateway.received == []  # nothing leaves before the step commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert gateway.received == [
        {
            "mobile": MOBILE,
            "text": "【红格】您反映的问题已受理。",
            "id": "whistle:1:accepted:9",
            "authorization": "Bearer test-key",
            "path": "/send",
        }
    ]
    row.refresh_from_db()
    assert row.sent_at is not None and row.claimed_at is not None and row.attempts == 0
    assert not sms.send_one(row.pk)  # sent is sent: a second delivery does nothing
    assert len(gateway.received) == 1
    assert OutboundSMS.objects.count() == 1


def test_a_rolled_back_step_texts_nobody(gateway, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sms.queue(mobile=MOBILE, text="x", key="wish:1:posted:1")
        raise RuntimeError("the step failed")
    assert not OutboundSMS.objects.exists() and gateway.received == []


def test_sms_is_off_without_a_gateway_url(settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sms.queue(mobile=MOBILE, text="x", key="k") is None
    assert not callbacks and not OutboundSMS.objects.exists()


def test_a_failing_gateway_is_retried_with_backoff_then_given_up(gateway, settings):
    settings.SMS_MAX_ATTEMPTS = 3
    gateway.fail_next = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        row = sms.queue(mobile=MOBILE, text="x", key="k1")
        assert not sms.send_one(row.pk)
        row.refresh_from_db()
        assert row.attempts == 1 and row.claimed_at is None and "503" in row.last_error
        assert row.next_attempt_at == start + timedelta(minutes=1)
        assert sms.send_pending_sms() == 0  # not due yet: beat leaves it
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert sms.send_pending_sms() == 0  # the second try fails too
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == start + timedelta(minutes=3)
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        sms.send_pending_sms()
    row.refresh_from_db()
    assert row.attempts == 3 and row.gave_up_at is not None and row.sent_at is None
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert sms.pending_ids() == []  # given up: beat stops trying
    assert len(gateway.received) == 3


def test_backoff_doubles_up_to_an_hour():
    assert [sms.backoff(n) for n in (1, 2, 3, 4, 8, 20)] == [60, 120, 240, 480, 3600, 3600]


def test_beat_sends_what_the_broker_lost(gateway, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(sms.send_sms, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = sms.queue(mobile=MOBILE, text="x", key="k2")
    assert gateway.received == [] and OutboundSMS.objects.filter(sent_at__isnull=True).count() == 1
    assert sms.send_pending_sms() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and len(gateway.received) == 1


def test_a_claim_left_by_a_dead_worker_lapses(gateway, settings):
    row = sms.queue(mobile=MOBILE, text="x", key="k3")
    OutboundSMS.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert sms.send_pending_sms() == 0  # someone holds it
    later = timezone.now() + timedelta(seconds=settings.SMS_CLAIM_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert sms.send_pending_sms() == 1
    assert len(gateway.received) == 1


def test_staff_notifications_can_go_out_by_sms(gateway, django_capture_on_commit_callbacks):
    user = UserFactory(mobile="13800001111")
    note = Notification.objects.create(recipient=user, title="新的吹哨待受理")
    with django_capture_on_commit_callbacks(execute=True):
        SMSChannel().send(note)
        SMSChannel().send(note)  # a re-delivery of the same notification
    assert gateway.received[0]["mobile"] == "13800001111"
    assert gateway.texts() == ["【红格】新的吹哨待受理"]


def test_the_admin_list_masks_mobiles_and_is_for_superusers(client, superuser, cadre_a):
    row = OutboundSMS.objects.create(mobile=MOBILE, text="x", dedupe_key="wish:1:posted:1")
    client.force_login(superuser)
    listing = client.get(reverse("admin:governance_outboundsms_changelist"))
    page = client.get(reverse("admin:governance_outboundsms_change", args=[row.pk]))
    for response in (listing, page):
        text = response.content.decode()
        assert response.status_code == 200 and "139****5678" in text and MOBILE not in text
    assert client.get(reverse("admin:governance_outboundsms_add")).status_code == 403
    client.force_login(cadre_a)
    assert client.get(reverse("admin:governance_outboundsms_changelist")).status_code == 403
    for name in ("history", "delete"):
        url = reverse(f"admin:governance_outboundsms_{name}", args=[row.pk])
        assert client.get(url).status_code == 403
    assert (
        client.get(reverse("admin:governance_outboundsms_change", args=[row.pk])).status_code == 403
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_send_once(requires_postgres, gateway):
    """Two connections claim the same row at the same moment: PostgreSQL makes the second
    UPDATE wait for the first and then find the row taken."""
    assert connection.vendor == "postgresql"
    gateway.delay = 0.3  # the first is still sending while the second tries
    # Written directly: queue() outside a transaction would send at once (eager tasks).
    row = OutboundSMS.objects.create(mobile=MOBILE, text="x", dedupe_key="k4")
    ready = threading.Barrier(2)
    results = []

    def worker():
        try:
            ready.wait()
            results.append(sms.send_one(row.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == [False, True]
    assert len(gateway.received) == 1
    assert OutboundSMS.objects.get(pk=row.pk).sent_at is not None


@pytest.mark.parametrize("n", [2, 12])
def test_the_admin_list_costs_the_same_however_many_rows(
    client, superuser, n, django_assert_max_num_queries
):
    OutboundSMS.objects.bulk_create(
        OutboundSMS(mobile=MOBILE, text="x", dedupe_key=f"wish:{i}:posted:{i}") for i in range(n)
    )
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:governance_outboundsms_changelist"))
    assert response.status_code == 200 and response.content.decode().count("139****5678") == n
