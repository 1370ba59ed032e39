from celery import shared_task

from services.whistles import rating, routing, sla

# The registered names predate the domain packages: messages queued under them still run.


@shared_task(name="services.tasks.route_whistle")
def route_whistle(whistle_id):
    return routing.route_whistle(whistle_id)


@shared_task(name="services.tasks.scan_whistles")
def scan_whistles():
    """Beat, every minute: routing missed during a broker outage, due reminders and
    escalations, and resolutions left unrated for seven days. Each part is idempotent."""
    return {
        "routed": routing.route_pending(),
        "reminders": sla.fire_due_reminders(),
        "closed": rating.close_unrated(),
    }
