import pytest
from django.utils import timezone

from governance import notifications, sms
from governance.models import Notification, OutboundSMS
from tests.factories import UserFactory
from tests.governance import sms_gateway

pytestmark = pytest.mark.django_db


class Flaky(notifications.Channel):
    sent = []

    def send(self, notification):
        if notification.recipient.mobile == "":
            raise RuntimeError("no number to text")
        Flaky.sent.append(notification.pk)


@pytest.fixture
def flaky_channel(settings):
    settings.NOTIFICATION_CHANNELS = ["tests.governance.test_notifications.Flaky"]
    notifications.channels.cache_clear()
    Flaky.sent = []
    yield
    notifications.channels.cache_clear()


def test_a_failing_channel_holds_up_no_one_and_is_retried_a_few_times(flaky_channel):
    good, bad = UserFactory(username="good"), UserFactory(username="bad", mobile="")
    rows = notifications.notify([bad, good], title="提醒")
    ids = [row.pk for row in rows]
    assert notifications.deliver(ids) == 1
    assert Flaky.sent == [Notification.objects.get(recipient=good).pk]
    assert notifications.deliver(ids) == 0  # the good one is not sent twice
    failing = Notification.objects.get(recipient=bad)
    assert failing.delivered_at is None and failing.attempts == 2
    for _ in range(5):
        notifications.deliver(notifications.undelivered_ids(timezone.now()))
    assert Notification.objects.get(recipient=bad).attempts == notifications.MAX_ATTEMPTS
    assert notifications.undelivered_ids(timezone.now()) == []


def test_inactive_users_get_nothing():
    assert notifications.notify([UserFactory(username="gone", is_active=False)], title="x") == []


def test_the_sms_channel_texts_staff_their_notifications_once(settings, monkeypatch):
    settings.NOTIFICATION_CHANNELS = ["governance.notifications.SMSChannel"]
    notifications.channels.cache_clear()
    try:
        with sms_gateway.start(settings, monkeypatch) as gateway:
            user = UserFactory(username="sms-cadre", mobile="13800002222")
            rows = notifications.notify([user], title="新的微心愿待审核")
            assert notifications.deliver([rows[0].pk]) == 1
            sms.send_pending_sms()
            notifications.deliver([rows[0].pk])  # delivered already: nothing more
            assert gateway.texts() == ["【红格】新的微心愿待审核"]
            assert OutboundSMS.objects.get().mobile == "13800002222"
    finally:
        notifications.channels.cache_clear()
