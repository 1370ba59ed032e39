"""Whistles as the staff lists read them."""

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from governance.scope import scope_roots, sees_everything, subtree_q
from services.whistles.models import Department, Supervision, Whistle, overdue_q

# What a list row shows (_whistle_rows.html): its category and its place.
LISTED_RELATIONS = ("category", "community", "building")


def visible_whistles(user):
    """The whistles this user sees, with what their lists show."""
    return Whistle.objects.visible_to(user).select_related(
        "category",
        "community",
        "building",
        "lead_department",
        "assigned_grid",
        "escalated_to",
        "merged_into",
    )


def opened_whistles(user):
    """The whistles this user may open one at a time (the detail, the work order): what every
    such page reads joined, the nullable relations (and the call-back, a reverse one-to-one)
    prefetched — a query each only when set. With all seven joined, planning the query took
    PostgreSQL ~10 ms, more than reading the row; three plan in ~1 ms."""
    return (
        Whistle.objects.visible_to(user)
        .select_related(*LISTED_RELATIONS)
        .prefetch_related(
            "lead_department", "assigned_grid", "escalated_to", "merged_into", "callback__node"
        )
    )


def overdue_first(now):
    """The lists' first sort key: 0 for a whistle past its running deadline, else 1."""
    return Case(When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField())


def with_due(whistles, now):
    """Annotate the running deadline and overdue-ness so lists can sort overdue first, and
    the deadline of an unanswered supervision order (督办) the lists flag; the rows' flags
    (`is_overdue`, `supervision_overdue`) are decided here, so templates only read them."""
    return (
        whistles.annotate_running_due()
        .annotate(
            overdue_first=overdue_first(now),
            supervision_due=Subquery(
                open_supervisions().filter(whistle=OuterRef("pk")).values("due_at")[:1]
            ),
        )
        .annotate(
            is_overdue=ExpressionWrapper(Q(overdue_first=0), output_field=BooleanField()),
            supervision_overdue=ExpressionWrapper(
                Q(supervision_due__lt=now), output_field=BooleanField()
            ),
        )
    )


def open_supervisions():
    return Supervision.objects.filter(answered_at__isnull=True)


def supervisions_of(whistle, now):
    """The whistle's 督办 orders, each flagged `overdue` when unanswered past its deadline."""
    return whistle.supervisions.select_related("ordered_by", "answered_by").annotate(
        overdue=ExpressionWrapper(
            Q(answered_at__isnull=True, due_at__lt=now), output_field=BooleanField()
        )
    )


def departments_for(user):
    """The departments this user may dispatch to: those of the streets their scope lies in
    (a community's street) or contains (a district's streets)."""
    if sees_everything(user):
        return Department.objects.select_related("street")
    q = Q(pk__in=[])
    for root in scope_roots(user):
        q |= subtree_q(root, "street") | Q(
            street__tree_id=root.tree_id, street__lft__lte=root.lft, street__rght__gte=root.rght
        )
    return Department.objects.filter(q).select_related("street")
