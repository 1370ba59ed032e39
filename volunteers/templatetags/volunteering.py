from datetime import datetime

from django import template
from django.utils import dateformat, timezone

from volunteers.teams import decides_hours

register = template.Library()


@register.simple_tag(takes_context=True)
def decides_any_hours(context):
    """Whether the Approvals tab means anything to this user."""
    return decides_hours(context["request"].user)


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime) else value


@register.filter
def day(value):
    """A date as people read it in a history: 05-11 this year, 2025-12-27 another year."""
    if not value:
        return ""
    value = _local(value)
    this_year = value.year == timezone.localdate().year
    return dateformat.format(value, "m-d" if this_year else "Y-m-d")


@register.filter
def day_time(value):
    """As `day`, with the time: 05-11 09:00, or 2025-12-27 09:00."""
    if not value:
        return ""
    return f"{day(value)} {dateformat.format(_local(value), 'H:i')}"
