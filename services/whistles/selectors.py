"""Whistles as the staff lists read them."""

from django.db.models import Case, IntegerField, Value, When

from services.whistles.models import Whistle, overdue_q


def visible_whistles(user):
    """The whistles this user sees, with what their lists show."""
    return Whistle.objects.visible_to(user).select_related(
        "category", "community", "building", "lead_department", "assigned_grid"
    )


def with_due(whistles, now):
    """Annotate the running deadline and overdue-ness so lists can sort overdue first."""
    return whistles.annotate_running_due().annotate(
        overdue_first=Case(
            When(overdue_q(now), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )
