from celery import shared_task

from governance.party import feedback, service_card


@shared_task
def send_feedback_letters():
    """Daily: the last quarter's letters that are missing (idempotent: one per unit and
    quarter, its contacts told once)."""
    return feedback.send_letters()


@shared_task
def remind_members_behind():
    """Daily: the month's reminder to reported members behind their yearly requirement, once."""
    return service_card.remind_behind()
