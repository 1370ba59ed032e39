"""Celery finds this module; each domain keeps its tasks in its package."""

from services.whistles.tasks import route_whistle, scan_whistles  # noqa: F401
from services.wishes.tasks import scan_wishes  # noqa: F401
