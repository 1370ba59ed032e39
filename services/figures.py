"""Whistle figures for any scoped set of whistles and period, from aggregate queries.

- received: whistles reported in the period;
- response rate: of those, the share dispatched or answered with a reason by the dispatch
  deadline (响应率);
- resolution rate: of those accepted, the share resolved without the resident re-opening it
  (解决率: "not fixed" counts against it);
- satisfaction rate: of those rated, the share rated very satisfied, satisfied or fairly
  satisfied (满意率);
- overdue now: open whistles past their current deadline (not limited to the period);
- median time to resolve, over those resolved.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from services.models import SATISFIED_RATINGS, Status


def share(part, whole):
    return None if not whole else part / whole


@dataclass(frozen=True)
class WhistleFigures:
    received: int
    rejected: int
    responded_on_time: int
    resolved_first_time: int
    rated: int
    satisfied: int
    overdue_now: int
    median_time_to_resolve: timedelta | None

    @property
    def response_rate(self):
        return share(self.responded_on_time, self.received)

    @property
    def resolution_rate(self):
        return share(self.resolved_first_time, self.received - self.rejected)

    @property
    def satisfaction_rate(self):
        return share(self.satisfied, self.rated)


def whistle_figures(whistles, *, start, end, now=None):
    """`whistles` is already scoped (e.g. Whistle.objects.visible_to(user)); [start, end)."""
    received = whistles.filter(created_at__gte=start, created_at__lt=end)
    counts = received.aggregate(
        received=Count("pk"),
        rejected=Count("pk", filter=Q(status=Status.REJECTED)),
        responded_on_time=Count("pk", filter=Q(responded_on_time=True)),
        resolved_first_time=Count(
            "pk", filter=Q(status__in=(Status.RESOLVED, Status.CLOSED), reopened_count=0)
        ),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
    )
    return WhistleFigures(
        **counts,
        overdue_now=whistles.overdue(now).count(),
        median_time_to_resolve=median_time_to_resolve(received),
    )


def median_time_to_resolve(whistles):
    durations = (
        whistles.filter(resolved_at__isnull=False)
        .annotate(
            taken=ExpressionWrapper(
                F("resolved_at") - F("created_at"), output_field=DurationField()
            )
        )
        .order_by("taken")
        .values_list("taken", flat=True)
    )
    count = durations.count()
    if not count:
        return None
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, timedelta()) / len(middle)
