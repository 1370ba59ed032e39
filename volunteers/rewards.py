"""Gift redemption (积分兑换): redeeming reserves one of the stock and debits the points in one
transaction (the reward row locked first, then the volunteer's profile, always in that
order); the cadre hands the gift over, or cancels and the points and stock come back."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.permissions import Perm
from governance.scope import in_scope
from volunteers import ledger
from volunteers.models import EntryKind, Redemption, RedemptionStatus, Reward
from volunteers.profiles import profile_for


def redeem(*, reward, user):
    volunteer = profile_for(user)
    with transaction.atomic():
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
        if not reward.active:
            raise ValidationError(_("This gift is no longer on offer."))
        if reward.stock < 1:
            raise ValidationError(_("“%(name)s” is out of stock.") % {"name": reward.name})
        redemption = Redemption.objects.create(
            reward=reward, volunteer=volunteer, points=reward.points_cost
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


def _close(redemption, actor, status):
    if not (actor.has_perm(Perm.MANAGE_VOLUNTEERS) and in_scope(actor, redemption.reward.node)):
        raise PermissionDenied(_("Only the gift's community hands it over or cancels it."))
    locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if locked.status != RedemptionStatus.RESERVED:
        raise ValidationError(
            _("This redemption is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    locked.status, locked.closed_at, locked.closed_by = status, timezone.now(), actor
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    return locked


def hand_over(*, redemption, actor):
    with transaction.atomic():
        return _close(redemption, actor, RedemptionStatus.HANDED_OVER)


def cancel(*, redemption, actor):
    with transaction.atomic():
        Reward.objects.select_for_update().get(pk=redemption.reward_id)  # same lock order
        closed = _close(redemption, actor, RedemptionStatus.CANCELLED)
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
