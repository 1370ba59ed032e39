from celery import shared_task

from grids import care


@shared_task
def scan_care_ledger():
    """Beat: remind helpers of visits due within a day; tell the community of overdue ones.
    Each is sent once per due time (the record stamps it)."""
    return care.scan()
