from celery import shared_task

from volunteers import reminders


@shared_task
def scan_volunteers():
    """Beat: reminders, closing finished activities and star rounds, each once (see
    volunteers/reminders.py)."""
    return reminders.scan()
