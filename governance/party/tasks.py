from celery import shared_task

from governance.party import feedback


@shared_task
def send_feedback_letters():
    """Daily: the last quarter's letters that are missing (idempotent: one per unit and
    quarter, its contacts told once)."""
    return feedback.send_letters()
