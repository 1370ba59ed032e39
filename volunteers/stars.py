"""Star rating (评星定级): cumulative approved hours map to stars (national defaults 100, 300,
600, 1,000 and 1,500 hours, configurable). On each rating date (twice a year by default)
the beat job proposes new stars and publishes them for a public notice period of working
days; when it ends, the job confirms them. Every step is keyed by the round's date, so
running the job again changes nothing."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from volunteers.models import HoursStatus, ServiceHours, StarAward, StarRound, VolunteerProfile


def stars_for(hours):
    """The stars earned by `hours` of approved service."""
    return sum(1 for threshold in settings.VOLUNTEER_STAR_HOURS if hours >= threshold)


def with_approved_hours(profiles, until=None):
    """Annotate `approved_hours`: approved service, of activities up to the date `until`."""
    counted = ServiceHours.objects.filter(volunteer=OuterRef("pk"), status=HoursStatus.APPROVED)
    if until is not None:
        day_after = datetime.combine(until + timedelta(days=1), time.min)
        counted = counted.filter(activity__starts_at__lt=timezone.make_aware(day_after))
    total = counted.values("volunteer").annotate(total=Sum("hours")).values("total")
    return profiles.annotate(
        approved_hours=Coalesce(
            Subquery(total, output_field=DecimalField(max_digits=10, decimal_places=2)),
            Value(0, output_field=DecimalField(max_digits=10, decimal_places=2)),
        )
    )


def approved_hours(profile):
    return with_approved_hours(VolunteerProfile.objects.filter(pk=profile.pk)).get().approved_hours


def add_working_days(start, days):
    """Weekends do not count toward the notice period."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def last_rating_date(today):
    """The latest configured rating date on or before `today` (month-day pairs each year)."""
    dates = [
        date(year, month, day)
        for year in (today.year - 1, today.year)
        for month, day in settings.VOLUNTEER_STAR_RATING_DATES
    ]
    return max(d for d in dates if d <= today)


def propose(rating_date):
    """Propose a star for each volunteer whose approved hours, of service up to the rating
    date, earn more than they hold (a round caught up late counts the same hours)."""
    with transaction.atomic():
        star_round, created = StarRound.objects.get_or_create(
            rating_date=rating_date,
            defaults={
                # A round caught up late still gets its full public notice.
                "notice_ends_on": add_working_days(
                    max(rating_date, timezone.localdate()),
                    settings.VOLUNTEER_STAR_NOTICE_WORKING_DAYS,
                )
            },
        )
        if not created:
            return star_round, 0
        threshold = min(settings.VOLUNTEER_STAR_HOURS)
        candidates = with_approved_hours(VolunteerProfile.objects.all(), rating_date).filter(
            approved_hours__gte=threshold
        )
        awards = [
            StarAward(
                round=star_round,
                volunteer=profile,
                stars=stars_for(profile.approved_hours),
                hours=profile.approved_hours,
            )
            for profile in candidates.only("pk", "stars")
            if stars_for(profile.approved_hours) > profile.stars
        ]
        StarAward.objects.bulk_create(awards)
    return star_round, len(awards)


def confirm(star_round, now=None):
    """After the notice period: the stars become the volunteers' own."""
    now = now or timezone.now()
    with transaction.atomic():
        star_round = StarRound.objects.select_for_update().get(pk=star_round.pk)
        if (
            star_round.confirmed_at is not None
            or timezone.localdate(now) <= star_round.notice_ends_on
        ):
            return 0
        awards = list(star_round.awards.select_related("volunteer__user"))
        for award in awards:
            VolunteerProfile.objects.filter(pk=award.volunteer_id, stars__lt=award.stars).update(
                stars=award.stars
            )
        star_round.awards.update(confirmed_at=now)
        star_round.confirmed_at = now
        star_round.save(update_fields=["confirmed_at"])
        for award in awards:
            notify(
                [award.volunteer.user],
                title=_("You are now a %(stars)s-star volunteer") % {"stars": award.stars},
                url=certificate_url(award),
            )
    return len(awards)


def run(today=None):
    """The beat job: propose on a rating date, confirm rounds whose notice is over."""
    today = today or timezone.localdate()
    rating_date = last_rating_date(today)
    _round, proposed = propose(rating_date)
    confirmed = sum(
        confirm(r)
        for r in StarRound.objects.filter(confirmed_at__isnull=True, notice_ends_on__lt=today)
    )
    return {"proposed": proposed, "confirmed": confirmed}


def certificate_url(award):
    from django.urls import reverse

    return reverse("volunteer-star-certificate", args=[award.pk])
