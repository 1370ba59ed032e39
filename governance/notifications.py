"""One notification mechanism: an in-app inbox row per recipient, then delivery through the
outbound channels named in settings.NOTIFICATION_CHANNELS (the default writes to the log;
`SMSChannel` texts the recipient's mobile; WeChat is a deployment plug-in). Delivery state
lives in the database, so a broker outage delays messages but never loses them: beat
re-sends what is undelivered.
"""

import logging
from functools import cache

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from governance import sms
from governance.models import Notification, User

logger = logging.getLogger(__name__)


class Channel:
    """An outbound channel. Subclasses deliver one notification or raise."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class LogChannel(Channel):
    """The default: the message goes to the log (the inbox row is already in the database)."""

    def send(self, notification):
        logger.info(
            "notify %s: %s %s", notification.recipient_id, notification.title, notification.url
        )


class SMSChannel(Channel):
    """Staff get their notifications' titles by text message too, through the SMS outbox
    (governance/sms.py: once per notification, retried; nothing when SMS is off)."""

    def send(self, notification):
        sms.queue(
            mobile=notification.recipient.mobile,
            text=notification.title[:200],
            key=f"notification:{notification.pk}",
        )


@cache
def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]


def notify(recipients, *, title, body="", url=""):
    """Put a message in each recipient's inbox and queue outbound delivery after commit."""
    recipients = {user.pk: user for user in recipients if user.is_active}
    if not recipients:
        return []
    rows = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, title=title, body=body, url=url) for pk in recipients]
    )
    ids = [row.pk for row in rows]

    def queue():
        deliver_notifications.delay(ids)

    # robust: a broker outage must not fail the request; beat re-sends undelivered rows.
    transaction.on_commit(queue, robust=True)
    return rows


MAX_ATTEMPTS = 5


def deliver(ids):
    """Send each undelivered notification through every channel. A channel that fails leaves
    the row for the next beat run (up to MAX_ATTEMPTS) and never holds up the others."""
    sent = 0
    undelivered = Notification.objects.filter(pk__in=ids, delivered_at__isnull=True)
    for notification in undelivered.select_related("recipient"):
        # Claim the row first, so two workers never send it twice.
        claimed = Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            for channel in channels():
                channel.send(notification)
        except Exception:
            logger.exception("notification %s could not be delivered", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(
                delivered_at=None, attempts=F("attempts") + 1
            )
            continue
        sent += 1
    return sent


# Beside what it runs, so queueing it needs no import of the tasks module (which imports this).
@shared_task(name="governance.tasks.deliver_notifications")
def deliver_notifications(ids):
    return deliver(ids)


def undelivered_ids(older_than, limit=500):
    return list(
        Notification.objects.filter(
            delivered_at__isnull=True, created_at__lte=older_than, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def unread_count(user: User) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def mark_read(user: User, ids=None):
    unread = user.notifications.filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
