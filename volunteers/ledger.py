"""The volunteer points ledger's entry point for other workflows."""

from volunteers.models import PointAward


def award_points(*, user, points, reason, key):
    """Award `points` to `user` once per `key` (a replayed award changes nothing).

    Until the append-only ledger lands this records the award; the ledger will book every
    award not yet posted, so nothing awarded before it is lost."""
    award, created = PointAward.objects.get_or_create(
        key=key, defaults={"user": user, "points": points, "reason": reason}
    )
    return award, created
