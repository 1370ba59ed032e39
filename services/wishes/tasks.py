from celery import shared_task

from services.wishes import steps


@shared_task(name="services.tasks.scan_wishes")  # the name from before the domain packages
def scan_wishes():
    """Beat: review reminders, unclaimed flags, claim reminders and releases, and
    auto-confirmation after seven days. Each part acts once, by the state it stamps."""
    return steps.scan()
