"""How figures read to people: rates as percentages, time limits in days and hours."""

from django.utils.translation import gettext as _


def percent(value):
    """0.8734 → 87.3%; None (nothing to divide) → –."""
    return "–" if value is None else f"{value * 100:.1f}%"


def duration(value):
    """A timedelta as days and hours, the way cadres speak of time limits."""
    if value is None:
        return "–"
    hours = round(value.total_seconds() / 3600)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _("%(hours)d h") % {"hours": hours}
