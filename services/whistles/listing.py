"""The staff whistle list's page: its figures and its pager's count from one pass over the
viewer's whistles, then the page's primary keys sorted and sliced, then only those rows with
what a row shows. At district scale every pass over a street's whistles costs tens of
milliseconds, so the page makes one on PostgreSQL (the figures' pass also gives the page's
keys) and two elsewhere; a filtered list one more, its count and its keys together; not
five."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Window,
)
from django_filters.constants import EMPTY_VALUES

from services.whistles import figures
from services.whistles.filters import WhistleFilter
from services.whistles.models import Whistle, overdue_q
from services.whistles.selectors import LISTED_RELATIONS, overdue_first, with_due

PER_PAGE = 30
LIST_ORDER = ("overdue_first", "-created_at", "-pk")
FIGURES_DAYS = 30


class _Percentile(Aggregate):
    """PostgreSQL's percentile_disc over the times taken (as figures.py reads the median)."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=fraction, **extra)


# The lower and the upper middle value of the sorted times (the same for an odd count).
_MIDDLES = (("lower", "0.5"), ("upper", "0.5000000001"))


def _time_taken():
    return ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


class _Places(Func):
    """The elements at places `first` to `last` (1-based, inclusive) of an array."""

    template = "(%(expressions)s)[%(first)s:%(last)s]"

    def __init__(self, array, first, last):
        super().__init__(array, first=int(first), last=int(last))


def figures_and_count(whistles, *, start, end, now, places=None):
    """The list's figures, exactly figures.whistle_figures' (its rate conditions, the median
    as the mean of the middle values; a test holds the two equal), and how many whistles
    there are, from one aggregate over `whistles`, which is scoped: the pager needs that
    count too, and figures.py's pass does not give it. On PostgreSQL, given `places`
    (first, last), the same pass also gives the primary keys at those places of the list's
    order — the page's keys — else the keys are None."""
    in_period = Q(created_at__gte=start, created_at__lt=end)
    resolved = in_period & Q(resolved_at__isnull=False)
    middles, keys = {}, {}
    if connections[whistles.db].vendor == "postgresql":
        middles = {
            name: _Percentile(_time_taken(), fraction, filter=resolved)
            for name, fraction in _MIDDLES
        }
        if places:
            order = (overdue_first(now).asc(), F("created_at").desc(), F("pk").desc())
            keys = {"keys": _Places(ArrayAgg("pk", order_by=order), *places)}
    counts = whistles.aggregate(
        total=Count("pk"),
        received=Count("pk", filter=in_period),
        **{
            name: Count("pk", filter=in_period & q)
            for name, q in figures.rate_conditions(now).items()
        },
        overdue_now=Count("pk", filter=overdue_q(now)),
        resolved=Count("pk", filter=resolved),
        **middles,
        **keys,
    )
    total, count = counts.pop("total"), counts.pop("resolved")
    page_keys = (counts.pop("keys") or []) if keys else None
    found = [counts.pop(name) for name in middles]
    if not middles and count:  # no ordered-set aggregate (SQLite): the middle rows' query
        taken = whistles.filter(resolved).annotate(taken=_time_taken()).order_by("taken")
        found = list(taken.values_list("taken", flat=True)[(count - 1) // 2 : count // 2 + 1])
    median = sum(found, timedelta()) / len(found) if count and found else None
    shown = figures.WhistleFigures(**counts, median_time_to_resolve=median)
    return shown, total, page_keys


def filtering(filterset):
    """Whether any filter or the search narrows the list (after the filter form is read)."""
    filterset.qs  # noqa: B018 — validates the form, as the list reads it
    data = getattr(filterset.form, "cleaned_data", {})
    return any(value not in EMPTY_VALUES for value in data.values())


@dataclass
class ListPage:
    filterset: WhistleFilter
    page: Page
    figures: figures.WhistleFigures


def in_list_order(whistles, now):
    """`whistles` sorted as the list shows them: overdue first, then the newest."""
    return whistles.annotate(overdue_first=overdue_first(now)).order_by(*LIST_ORDER)


def _asked_page(params):
    try:
        return max(int(params.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def _filtered_keys(filtered, asked, now):
    """A filtered list's count and the asked page's keys from one query (the count as a window
    over the sorted rows); (None, None) when the page is past the end."""
    first = (asked - 1) * PER_PAGE
    counted = in_list_order(filtered, now).annotate(listed=Window(Count("pk")))
    rows = list(counted.values_list("pk", "listed")[first : first + PER_PAGE])
    if not rows:
        return None, None
    return rows[0][1], [pk for pk, _listed in rows]


def whistle_page(user, params, now):
    """The list's page `params["page"]` for `user`, filtered by `params`."""
    visible = Whistle.objects.visible_to(user)
    filterset = WhistleFilter(params, queryset=visible, user=user)
    filtered = filtering(filterset)
    asked = _asked_page(params)
    # Unfiltered, the figures' pass also gives the asked page's keys (on PostgreSQL).
    places = None if filtered else ((asked - 1) * PER_PAGE + 1, asked * PER_PAGE)
    shown, count, page_keys = figures_and_count(
        visible, start=now - timedelta(days=FIGURES_DAYS), end=now, now=now, places=places
    )
    if filtered:
        # The figures' pass counted the unfiltered list: the filtered one counts its own.
        count, page_keys = _filtered_keys(filterset.qs, asked, now)
        if count is None:  # past the end: the pager shows the last page
            count = filterset.qs.count()
    keys = in_list_order(filterset.qs, now).values_list("pk", flat=True)
    paginator = Paginator(keys, PER_PAGE)
    paginator.count = count
    page = paginator.get_page(params.get("page"))
    if page_keys is not None and page.number == asked:
        page.object_list = page_keys  # instead of the keys' own query
    pks = list(page.object_list)
    # The keys came from the scoped, filtered query: the rows are fetched by them alone.
    rows = with_due(Whistle.objects.filter(pk__in=pks), now).select_related(*LISTED_RELATIONS)
    by_pk = {w.pk: w for w in rows}
    page.object_list = [by_pk[pk] for pk in pks if pk in by_pk]
    return ListPage(filterset=filterset, page=page, figures=shown)
