import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from governance import audit, notifications, tree

logger = logging.getLogger(__name__)


@shared_task
def check_trees():
    """Beat: verify the nested-set numbers; a problem is logged loudly (it only reads)."""
    problems = tree.find_problems()
    for problem in problems:
        logger.error("organisation tree inconsistency: %s", problem)
    return len(problems)


@shared_task
def deliver_pending_notifications():
    """Beat: whatever the broker lost or a channel failed on is sent again."""
    ids = notifications.undelivered_ids(timezone.now() - timedelta(minutes=2))
    return notifications.deliver(ids)


@shared_task
def prune_audit_trail():
    """Beat, daily: the audit trail keeps AUDIT_RETENTION_DAYS (at least 180); older goes."""
    return audit.prune()
