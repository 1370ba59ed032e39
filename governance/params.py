"""Reading ids and dates from query strings and forms without tripping on what users type."""

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _


def parse_id(value):
    """A positive database id, or None. ASCII digits only: "²".isdigit() is true in Python,
    and would reach the database as a value it cannot convert."""
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def parse_period(start_text, end_text):
    """Optional from/to dates (YYYY-MM-DD), or a translated ValidationError."""
    period = []
    for text in (start_text, end_text):
        try:
            value = parse_date(text) if text else None
        except ValueError:  # well formed but impossible, such as 2026-02-30
            value = None
        if text and value is None:
            raise ValidationError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": text}
            )
        period.append(value)
    start, end = period
    if start and end and start > end:
        raise ValidationError(_("The start of the period must not be after its end."))
    return start, end
