"""Whistle figures for any scoped set of whistles and period, from aggregate queries.

- received: whistles reported in the period;
- response rate: of those due (answered, or past the dispatch deadline), the share
  dispatched or answered with a reason by the deadline (响应率);
- resolution rate: of those accepted and due (resolved, re-opened, or past the resolution
  deadline), the share resolved without the resident re-opening it (解决率: "not fixed"
  counts against it);
- satisfaction rate: of those rated, the share rated very satisfied, satisfied or fairly
  satisfied (满意率);
- overdue now: open whistles past their current deadline (not limited to the period);
- median time to resolve, over those resolved.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from services.whistles.models import SATISFIED_RATINGS, Status, overdue_q


def share(part, whole):
    return None if not whole else part / whole


@dataclass(frozen=True)
class WhistleFigures:
    received: int
    rejected: int
    response_due: int
    responded_on_time: int
    resolution_due: int
    resolved_first_time: int
    rated: int
    satisfied: int
    overdue_now: int
    median_time_to_resolve: timedelta | None

    @property
    def response_rate(self):
        return share(self.responded_on_time, self.response_due)

    @property
    def resolution_rate(self):
        return share(self.resolved_first_time, self.resolution_due)

    @property
    def satisfaction_rate(self):
        return share(self.satisfied, self.rated)


def rate_conditions(now):
    """Filters for the rate parts. A whistle weighs on a rate only once it was due: answered
    or past its dispatch deadline; resolved, re-opened or past its resolution deadline."""
    return {
        "rejected": Q(status=Status.REJECTED),
        "response_due": Q(responded_at__isnull=False) | Q(dispatch_due__lt=now),
        "responded_on_time": Q(responded_on_time=True),
        "resolution_due": ~Q(status=Status.REJECTED)
        & (Q(resolved_at__isnull=False) | Q(reopened_count__gt=0) | Q(resolve_due__lt=now)),
        "resolved_first_time": Q(status__in=(Status.RESOLVED, Status.CLOSED), reopened_count=0),
        "rated": Q(rating__isnull=False),
        "satisfied": Q(rating__in=SATISFIED_RATINGS),
    }


def _time_taken():
    return ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


class _Percentile(Aggregate):
    """PostgreSQL's percentile_disc: the first value whose place in the sorted values reaches
    the fraction (1-based place ceil(fraction x count))."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=fraction, **extra)


# percentile_disc at 0.5 is the lower middle value of an even count; a hair above 0.5 the
# upper one (the same for an odd count): the two the median averages.
_LOWER_MIDDLE, _UPPER_MIDDLE = "0.5", "0.5000000001"


def whistle_figures(whistles, *, start, end, now=None):
    """`whistles` is already scoped (e.g. Whistle.objects.visible_to(user)); [start, end)."""
    return figures_and(whistles, start=start, end=end, now=now)[0]


def figures_and(whistles, *, start, end, now=None, also=None):
    """The figures and, from the same pass, the aggregates `also` names ({name: aggregate}):
    (WhistleFigures, {name: value})."""
    now = now or timezone.now()
    also = also or {}
    in_period = Q(created_at__gte=start, created_at__lt=end)
    resolved = in_period & Q(resolved_at__isnull=False)
    # One pass for the period's counts, the overdue ones (which the period does not limit)
    # and, on PostgreSQL, the median's middle values; elsewhere one more query reads those.
    middles = {}
    if connections[whistles.db].vendor == "postgresql":
        middles = {
            name: _Percentile(_time_taken(), fraction, filter=resolved)
            for name, fraction in (("lower", _LOWER_MIDDLE), ("upper", _UPPER_MIDDLE))
        }
    counts = whistles.aggregate(
        received=Count("pk", filter=in_period),
        **{name: Count("pk", filter=in_period & q) for name, q in rate_conditions(now).items()},
        overdue_now=Count("pk", filter=overdue_q(now)),
        resolved=Count("pk", filter=resolved),
        **middles,
        **also,
    )
    extra = {name: counts.pop(name) for name in also}
    count = counts.pop("resolved")
    found = [counts.pop(name) for name in middles]
    if not middles:
        found = _middle_values(whistles.filter(resolved), count)
    median = _mean(found if count else [])
    return WhistleFigures(**counts, median_time_to_resolve=median), extra


def _mean(durations):
    return sum(durations, timedelta()) / len(durations) if durations else None


def _middle_values(resolved, count):
    """The middle value of `count` resolved whistles' times, or the two middle ones."""
    if not count:
        return []
    durations = resolved.annotate(taken=_time_taken()).order_by("taken")
    return list(durations.values_list("taken", flat=True)[(count - 1) // 2 : count // 2 + 1])
