"""Text messages (SMS) through a generic HTTP gateway: the outbox, sending and the beat
catch-up. Who is texted about what is decided by the workflows (their `resident_sms.py`,
listening to governance.workflow), not here.

The gateway gets one POST per message, JSON `{"mobile", "text", "id"}` with the key as
`Authorization: Bearer <SMS_GATEWAY_KEY>`; any 2xx is sent. `id` is the message's unique
key, so a gateway that deduplicates can. With no SMS_GATEWAY_URL nothing is queued at all.

Delivery state lives in the outbox rows: a message is queued after commit, retried with
backoff by its task, and whatever the broker lost is sent by beat, so an outage delays a
message but never loses it. Each send first claims the row with one conditional UPDATE,
so two workers (the task and beat, or two beats) never send it twice.
"""

import json
import logging
import urllib.request
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.admin_scope import ReadOnlyAdminMixin
from governance.masking import mask_mobile
from governance.models import OutboundSMS

logger = logging.getLogger(__name__)


def enabled():
    return bool(settings.SMS_GATEWAY_URL)


def queue(*, mobile, text, key):
    """Write the message once per `key` in the caller's transaction and send it after
    commit. Returns the row when it was new, else None (already queued, or SMS is off)."""
    if not enabled() or not mobile:
        return None
    body = settings.SMS_TEMPLATE.replace("{text}", text)[:500]
    # get_or_create runs in a savepoint: a repeated key leaves the caller's transaction usable.
    row, created = OutboundSMS.objects.get_or_create(
        dedupe_key=key[:120], defaults={"mobile": mobile, "text": body}
    )
    if not created:
        return None
    pk = row.pk
    # robust: a broker outage must not fail the step; beat sends what was not queued.
    transaction.on_commit(lambda: send_sms.delay(pk), robust=True)
    return row


def backoff(attempts):
    """Seconds before the next try: 1, 2, 4 … minutes, at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def _pending(now):
    lease = now - timedelta(seconds=settings.SMS_CLAIM_SECONDS)
    return OutboundSMS.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease),
        sent_at__isnull=True,
        gave_up_at__isnull=True,
        next_attempt_at__lte=now,
    )


def send_one(pk):
    """Send the message if it is still due and no one else holds it. True when sent.

    The claim is a conditional UPDATE committed before the request goes out: of two workers
    the second finds it taken (PostgreSQL re-checks the row after the first one's commit).
    A worker that dies mid-send leaves a claim that lapses after SMS_CLAIM_SECONDS."""
    now = timezone.now()
    if not _pending(now).filter(pk=pk).update(claimed_at=now):
        return False
    row = OutboundSMS.objects.get(pk=pk)
    try:
        post_to_gateway(row)
    except Exception as error:  # any failure is retried; the row says what it was
        attempts = row.attempts + 1
        gave_up = attempts >= settings.SMS_MAX_ATTEMPTS
        logger.warning("SMS %s failed (attempt %s): %s", row.dedupe_key, attempts, error)
        OutboundSMS.objects.filter(pk=pk).update(
            claimed_at=None,
            attempts=attempts,
            last_error=str(error)[:300],
            gave_up_at=now if gave_up else None,
            next_attempt_at=now + timedelta(seconds=backoff(attempts)),
        )
        return False
    OutboundSMS.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    return True


def post_to_gateway(row):
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL,
        data=json.dumps(
            {"mobile": row.mobile, "text": row.text, "id": row.dedupe_key}, ensure_ascii=False
        ).encode(),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
        },
        method="POST",
    )
    # urlopen raises for 4xx/5xx; anything else not 2xx is a failure too.
    with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"gateway answered {response.status}")


@shared_task(bind=True, name="governance.sms.send_sms", max_retries=None)
def send_sms(self, pk):
    """Send one message; on failure try again after its backoff while it is still due."""
    if send_one(pk):
        return True
    row = OutboundSMS.objects.filter(pk=pk, sent_at__isnull=True, gave_up_at__isnull=True).first()
    if row is None or row.claimed_at is not None:  # sent, given up, or another worker's
        return False
    # Run in the request (eager: tests, no worker) a retry would spin at once: beat retries.
    if self.request.is_eager or self.request.retries >= settings.SMS_MAX_ATTEMPTS:
        return False
    countdown = max((row.next_attempt_at - timezone.now()).total_seconds(), 1)
    raise self.retry(countdown=countdown)


def pending_ids(limit=200):
    return list(_pending(timezone.now()).order_by("pk").values_list("pk", flat=True)[:limit])


@shared_task(name="governance.sms.send_pending_sms")
def send_pending_sms():
    """Beat: what the broker lost, or what waits for its next try, is sent from the outbox."""
    return sum(send_one(pk) for pk in pending_ids())


# --- The outbox in the admin: read-only, for superusers (a row has no place in the tree, so
# no cadre's scope covers it), mobiles masked by the one rule. Registered here rather than in
# governance/admin.py so the outbox is one module; it is imported when the apps are ready.


class OutboundSMSAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "dedupe_key",
        "masked_mobile",
        "created_at",
        "sent_at",
        "attempts",
        "gave_up_at",
    ]
    list_filter = ["sent_at", "gave_up_at"]
    search_fields = ["dedupe_key"]
    date_hierarchy = "created_at"
    fields = [
        "dedupe_key",
        "masked_mobile",
        "text",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "gave_up_at",
        "last_error",
    ]
    readonly_fields = fields

    @admin.display(description=_("mobile"))
    def masked_mobile(self, row):
        return mask_mobile(row.mobile)


if not admin.site.is_registered(OutboundSMS):
    admin.site.register(OutboundSMS, OutboundSMSAdmin)
