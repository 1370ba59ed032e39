"""Reading micro-wishes: the wall's counter, per-community figures and the rankings."""

from collections import defaultdict
from statistics import median

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q
from django.utils import timezone

from governance.masking import mask_name
from governance.models import PartnerUnit, User
from services.wishes.models import LIT_STATUSES


def lit_this_year_q(now=None):
    """Wishes lit (confirmed) in the current year, dated by their confirmation."""
    year = timezone.localtime(now or timezone.now()).year
    return Q(status__in=LIT_STATUSES, confirmed_at__year=year)


def lit_this_year(wishes, now=None):
    return wishes.filter(lit_this_year_q(now)).count()


def community_figures(wishes):
    """Per community: posted, approved, claimed, fulfilled, median days to fulfil.

    Counts come from one grouped query; the medians from one query of fulfilment times."""
    rows = list(
        wishes.values("community_id", "community__name", "community__place_name")
        .annotate(
            posted=Count("pk"),
            approved=Count("pk", filter=Q(approved_at__isnull=False)),
            claimed=Count("pk", filter=Q(claimed_at__isnull=False) | Q(fulfilled_at__isnull=False)),
            fulfilled=Count("pk", filter=Q(fulfilled_at__isnull=False)),
        )
        .order_by("community__lft")
    )
    taken = defaultdict(list)
    durations = (
        wishes.filter(fulfilled_at__isnull=False)
        .annotate(
            taken=ExpressionWrapper(
                F("fulfilled_at") - F("created_at"), output_field=DurationField()
            )
        )
        .values_list("community_id", "taken")
    )
    for community_id, duration in durations:
        taken[community_id].append(duration.total_seconds() / 86400)
    for row in rows:
        row["place"] = row["community__place_name"] or row["community__name"]
        row["median_days"] = (
            median(taken[row["community_id"]]) if taken[row["community_id"]] else None
        )
    return rows


def rankings(wishes, *, year, limit=10):
    """Who lit the most wishes in `year`: only wishes fulfilled and confirmed count, by when
    they were fulfilled (a withdrawn claim counts for nobody). A partner unit is one entry
    whoever of its contacts claimed; a person is named only if they agreed every time."""
    lit = wishes.filter(status__in=LIT_STATUSES, fulfilled_at__year=year)

    def grouped(rows, key):
        return list(
            rows.values(key)
            .annotate(
                lit=Count("pk"),
                first=Min("fulfilled_at"),
                shown=Count("pk", filter=Q(show_claimer=True)),
            )
            .order_by("-lit", "first")[:limit]
        )

    units = grouped(lit.filter(claimer_unit__isnull=False), "claimer_unit_id")
    persons = grouped(lit.filter(claimer_unit__isnull=True), "claimer_id")
    unit_names = dict(
        PartnerUnit.objects.filter(pk__in=[r["claimer_unit_id"] for r in units]).values_list(
            "pk", "name"
        )
    )
    people = {u.pk: u for u in User.objects.filter(pk__in=[r["claimer_id"] for r in persons])}
    for row in units:
        row["name"] = unit_names[row["claimer_unit_id"]]
    for row in persons:
        person = people[row["claimer_id"]]
        full = person.full_name or person.username
        row["name"] = full if row["shown"] == row["lit"] else mask_name(full)
    return sorted(units + persons, key=lambda r: (-r["lit"], r["first"]))[:limit]
