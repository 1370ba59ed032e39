"""The points ledger: every change of a volunteer's points is one append-only entry with an
idempotency key, and the cached balance moves in the same transaction, under a lock on the
volunteer's profile. The database refuses a negative balance; `check_ledger` proves the cache
equals the sum of the entries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from volunteers.models import EntryKind, LedgerEntry, VolunteerProfile
from volunteers.profiles import profile_for


class InsufficientPoints(ValidationError):
    def __init__(self, balance, needed):
        self.balance, self.needed = balance, needed
        super().__init__(
            _("Not enough points: %(balance)s available, %(needed)s needed.")
            % {"balance": balance, "needed": needed}
        )


def post(*, volunteer, points, kind, reason, key, actor=None):
    """Append one entry moving `points` (negative to spend) unless `key` was already posted.
    Returns (entry, created). Raises InsufficientPoints when the balance would go negative."""
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().get(pk=volunteer.pk)
        existing = LedgerEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
        balance = profile.points_balance + points
        if balance < 0:
            raise InsufficientPoints(profile.points_balance, -points)
        entry = LedgerEntry.objects.create(
            volunteer=profile,
            kind=kind,
            points=points,
            balance_after=balance,
            reason=reason[:200],
            key=key,
            actor=actor,
        )
        VolunteerProfile.objects.filter(pk=profile.pk).update(points_balance=balance)
        volunteer.points_balance = balance
        return entry, True


def award_points(*, user, points, reason, key):
    """Other workflows' entry point (a fulfilled micro-wish): earn points once per `key`."""
    return post(
        volunteer=profile_for(user),
        points=points,
        kind=EntryKind.EARNED_WISH,
        reason=reason,
        key=key,
    )


def adjust(*, volunteer, points, reason, actor, key):
    """A cadre's correction, with the reason and who made it."""
    return post(
        volunteer=volunteer,
        points=points,
        kind=EntryKind.ADJUSTED,
        reason=reason,
        key=key,
        actor=actor,
    )


def mismatches():
    """Profiles whose cached balance differs from the sum of their entries."""
    sums = dict(
        LedgerEntry.objects.values("volunteer")
        .annotate(total=Sum("points"))
        .values_list("volunteer", "total")
    )
    profiles = VolunteerProfile.objects.select_related("user").only(
        "pk", "points_balance", "user__username"
    )
    return [
        (profile, sums.get(profile.pk, 0))
        for profile in profiles.iterator(chunk_size=2000)
        if profile.points_balance != sums.get(profile.pk, 0)
    ]
