"""How figures read to people: rates as percentages, time limits in days and hours."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

# The formats of a figure (the command center's), shown by `figure`.
COUNT, RATE, HOURS, DURATION = "count", "rate", "hours", "duration"


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


def labelled(label, text):
    """ "满意：谢谢" — a label and, if any, the words that go with it."""
    return _("%(label)s: %(text)s") % {"label": label, "text": text} if text else str(label)


def distance(metres):
    """850 m, or 1.5 km from a kilometre on."""
    if metres is None:
        return "–"
    if metres < 1000:
        return _("%(metres)d m") % {"metres": round(metres)}
    return _("%(km).1f km") % {"km": metres / 1000}


def figure(value, format):
    """A command-center figure by its format: rates as percentages, hours to two places when
    they have a fraction, durations in days and hours, counts as they are."""
    if format == RATE:
        return percent(value)
    if format == HOURS:
        return floatformat(value, "-2")
    if format == DURATION:
        return duration(value)
    return value
