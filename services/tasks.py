from celery import shared_task

from services import intake, rating, sla, wishes


@shared_task
def route_whistle(whistle_id):
    return intake.route_whistle(whistle_id)


@shared_task
def scan_whistles():
    """Beat, every minute: routing missed during a broker outage, due reminders and
    escalations, and resolutions left unrated for seven days. Each part is idempotent."""
    return {
        "routed": intake.route_pending(),
        "reminders": sla.fire_due_reminders(),
        "closed": rating.close_unrated(),
    }


@shared_task
def scan_wishes():
    """Beat: review reminders, unclaimed flags, claim reminders and releases, and
    auto-confirmation after seven days. Each part acts once, by the state it stamps."""
    return wishes.scan()
