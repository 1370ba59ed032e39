"""How many people live in a household: one truth, the residents on record. The size a
household declared (on import or in the admin) is kept beside it, and a difference is
flagged to the grid worker, who puts the register right on the next visit."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _


def size_check(household, on_record):
    """The residents on record, the declared size, and whether they disagree."""
    return {
        "on_record": on_record,
        "declared": household.size,
        "differs": on_record != household.size,
    }


def with_residents_on_record(households):
    """Each household annotated with `on_record`, its residents counted in the same query."""
    return households.annotate(on_record=Count("residents", distinct=True))


def size_differs_q():
    """On an annotated queryset: households whose declared size is not the residents'."""
    return ~Q(size=F("on_record"))


def difference_note(check):
    if not check["differs"]:
        return ""
    return _(
        "Declared %(declared)d, but %(on_record)d on record: check who lives here on the "
        "next visit and correct the register."
    ) % {"declared": check["declared"], "on_record": check["on_record"]}
