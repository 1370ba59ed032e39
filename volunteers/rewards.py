"""Gift redemption (积分兑换): the volunteer confirms, then redeeming reserves one of the stock
and debits the points in one transaction (the reward row locked first, then the volunteer's
profile, always in that order) and gives a pickup code for the gift's station. Staff of the
gift's area hand it over by that code; before that the volunteer or the staff may cancel,
and the points come back as a refund entry (the ledger is never edited) and the stock too.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.permissions import Perm
from governance.public import normalise_code
from governance.scope import in_scope
from volunteers import ledger
from volunteers.models import EntryKind, Redemption, RedemptionStatus, Reward
from volunteers.profiles import profile_for


def points_after(profile, reward):
    """What the confirm page says is left; negative when the points do not reach."""
    return profile.points_balance - reward.points_cost


def redeem(*, reward, user, key=None):
    """Reserve one gift. `key` is the confirm page's token: the same page posted twice (a
    double tap, a resend) reserves once and returns that first redemption."""
    volunteer = profile_for(user)
    try:
        return _redeem(reward, volunteer, key)
    except IntegrityError:
        # Two taps raced past the check below (the unique token lets only one commit).
        existing = _requested(volunteer, key)
        if existing is None:
            raise
        return existing


def _requested(volunteer, key):
    if not key:
        return None
    return Redemption.objects.filter(volunteer=volunteer, request_key=key).first()


def _redeem(reward, volunteer, key):
    with transaction.atomic():
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
        # Under the gift's lock, a tap that came first has committed: answer with it.
        existing = _requested(volunteer, key)
        if existing is not None:
            return existing
        if not reward.active:
            raise ValidationError(_("This gift is no longer on offer."))
        if reward.stock < 1:
            raise ValidationError(_("“%(name)s” is out of stock.") % {"name": reward.name})
        redemption = Redemption.objects.create(
            reward=reward, volunteer=volunteer, points=reward.points_cost, request_key=key or None
        )
        ledger.post(
            volunteer=volunteer,
            points=-reward.points_cost,
            kind=EntryKind.REDEEMED,
            reason=reward.name,
            key=f"redeem:{redemption.pk}",
        )
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
    return redemption


def restock(reward, change):
    """Add (or take away) gifts; stock already reserved by redemptions stays reserved."""
    with transaction.atomic():
        locked = Reward.objects.select_for_update().get(pk=reward.pk)
        locked.stock = max(locked.stock + change, 0)
        locked.save(update_fields=["stock"])
    reward.stock = locked.stock
    return locked


def _staff_of(actor, redemption):
    return actor.has_perm(Perm.MANAGE_VOLUNTEERS) and in_scope(actor, redemption.reward.node)


def _close(redemption, actor, status):
    locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if locked.status != RedemptionStatus.RESERVED:
        raise ValidationError(
            _("This redemption is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    locked.status, locked.closed_at, locked.closed_by = status, timezone.now(), actor
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    return locked


def hand_over(*, redemption, actor):
    if not _staff_of(actor, redemption):
        raise PermissionDenied(_("Only the gift's community hands it over or cancels it."))
    with transaction.atomic():
        return _close(redemption, actor, RedemptionStatus.HANDED_OVER)


def to_hand_over(*, user, code):
    """The reserved redemption with this pickup code among the gifts of the user's area, or
    None: a code of another area is as unknown as a wrong one."""
    return (
        Redemption.objects.visible_to(user)
        .filter(pickup_code=normalise_code(code), status=RedemptionStatus.RESERVED)
        .select_related("reward__node", "reward__pickup_station", "volunteer__user")
        .first()
    )


def cancel(*, redemption, actor):
    """Before hand-over, by the volunteer who redeemed or the gift's community."""
    if actor.pk != redemption.volunteer.user_id and not _staff_of(actor, redemption):
        raise PermissionDenied(_("Only the gift's community hands it over or cancels it."))
    with transaction.atomic():
        Reward.objects.select_for_update().get(pk=redemption.reward_id)  # same lock order
        closed = _close(redemption, actor, RedemptionStatus.CANCELLED)
        # A new entry gives the points back; the redeeming entry stays as it was.
        ledger.post(
            volunteer=closed.volunteer,
            points=closed.points,
            kind=EntryKind.REFUNDED,
            reason=redemption.reward.name,
            key=f"refund:{closed.pk}",
            actor=actor,
        )
        Reward.objects.filter(pk=closed.reward_id).update(stock=F("stock") + 1)
    return closed
