"""Service hours, as China's volunteer record rules keep them: credit hours from check-in and
check-out, honour hours a cadre adds with a reason. Hours wait for the team's leader or the
community; approval earns points; approved hours are never deleted, only reversed."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.permissions import Perm
from governance.scope import in_scope
from volunteers import ledger
from volunteers.models import (
    Activity,
    EntryKind,
    HoursKind,
    HoursStatus,
    LedgerEntry,
    ServiceHours,
)


def clipped_hours(activity, checked_in_at, checked_out_at):
    """Check-out minus check-in, clipped to the activity's window."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def record_credit(signup):
    """The hours of a closed attendance, once per sign-up (called inside its transaction);
    none for less than the minimum service (settings.VOLUNTEER_MIN_SERVICE_MINUTES)."""
    hours = clipped_hours(signup.activity, signup.checked_in_at, signup.checked_out_at)
    if hours * 60 < settings.VOLUNTEER_MIN_SERVICE_MINUTES:
        return None
    entry, _created = ServiceHours.objects.get_or_create(
        signup=signup,
        defaults={
            "volunteer": signup.volunteer,
            "activity": signup.activity,
            "kind": HoursKind.CREDIT,
            "hours": hours,
            "flagged": signup.auto_closed,
        },
    )
    return entry


def add_honour_hours(*, activity, volunteer, hours, reason, actor):
    if not (actor.has_perm(Perm.MANAGE_VOLUNTEERS) and in_scope(actor, activity.node)):
        raise PermissionDenied(_("Only the activity's community adds honour hours."))
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValidationError(_("Enter the hours as a number.")) from error
    if not reason.strip():
        raise ValidationError(_("Honour hours need a reason."))
    length = Decimal(str(activity.length_hours))
    if hours <= 0 or hours > length:
        raise ValidationError(
            _("Honour hours must be more than 0 and at most the activity's %(length)s hours.")
            % {"length": activity.length_hours}
        )
    with transaction.atomic():
        # Under the activity's lock: all of a volunteer's hours for it stay within its length.
        Activity.objects.select_for_update().get(pk=activity.pk)
        recorded = ServiceHours.objects.filter(
            activity=activity,
            volunteer=volunteer,
            status__in=(HoursStatus.PENDING, HoursStatus.APPROVED),
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        if recorded + hours > length:
            raise ValidationError(
                _("With these, %(name)s would have %(total)s hours for an activity of %(length)s.")
                % {"name": volunteer, "total": recorded + hours, "length": activity.length_hours}
            )
        return _create_honour(activity, volunteer, hours, reason, actor)


def _create_honour(activity, volunteer, hours, reason, actor):
    return ServiceHours.objects.create(
        volunteer=volunteer,
        activity=activity,
        kind=HoursKind.HONOUR,
        hours=hours,
        reason=reason.strip(),
        created_by=actor,
    )


def points_for(entry):
    activity = entry.activity
    return int(
        (entry.hours * activity.points_per_hour * Decimal(activity.difficulty)).to_integral_value()
    )


def _locked(entry, actor, allowed):
    try:
        locked = (
            ServiceHours.objects.decidable_by(actor)
            .select_for_update(of=("self",))
            .select_related("activity__team", "volunteer__user")
            .get(pk=entry.pk)
        )
    except ServiceHours.DoesNotExist:
        raise PermissionDenied(
            _("Only the team's leaders or the community decide on hours.")
        ) from None
    if locked.status not in allowed:
        raise ValidationError(
            _("These hours are already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    return locked


def _decide(entry, actor, status, *fields):
    entry.status, entry.decided_at, entry.decided_by = status, timezone.now(), actor
    entry.save(update_fields=["status", "decided_at", "decided_by", *fields])


def ledger_reason(entry):
    return _("%(hours)s h: %(activity)s") % {"hours": entry.hours, "activity": entry.activity.title}


def approve(*, entry, actor):
    with transaction.atomic():
        entry = _locked(entry, actor, {HoursStatus.PENDING})
        _decide(entry, actor, HoursStatus.APPROVED)
        points = points_for(entry)
        if points:
            ledger.post(
                volunteer=entry.volunteer,
                points=points,
                kind=EntryKind.EARNED_HOURS,
                reason=ledger_reason(entry),
                key=f"hours:{entry.pk}",
                actor=actor,
            )
    return entry


def decline(*, entry, actor, reason):
    if not reason.strip():
        raise ValidationError(_("Say why the hours are declined."))
    with transaction.atomic():
        entry = _locked(entry, actor, {HoursStatus.PENDING})
        entry.reversal_reason = reason.strip()[:200]
        _decide(entry, actor, HoursStatus.DECLINED, "reversal_reason")
    return entry


def reverse(*, entry, actor, reason):
    """Take back approved hours and the points they earned; the row stays, with the reason."""
    if not reason.strip():
        raise ValidationError(_("Reversing hours needs a reason."))
    with transaction.atomic():
        entry = _locked(entry, actor, {HoursStatus.APPROVED})
        entry.status, entry.reversal_reason = HoursStatus.REVERSED, reason.strip()[:200]
        entry.reversed_at, entry.reversed_by = timezone.now(), actor
        entry.save(update_fields=["status", "reversal_reason", "reversed_at", "reversed_by"])
        earned = (
            LedgerEntry.objects.filter(key=f"hours:{entry.pk}").values_list("points", flat=True)
        ).first()
        if earned:
            try:
                ledger.post(
                    volunteer=entry.volunteer,
                    points=-earned,
                    kind=EntryKind.REVERSED,
                    reason=entry.reversal_reason,
                    key=f"reverse-hours:{entry.pk}",
                    actor=actor,
                )
            except ledger.InsufficientPoints as error:
                raise ValidationError(
                    _("The volunteer has already spent these points: %(balance)s left.")
                    % {"balance": error.balance}
                ) from error
    return entry
