"""Check-in and check-out: the volunteer enters the leader's 6-digit code on their phone, or
a leader marks them. Hours are check-out minus check-in, clipped to the activity's window;
when the window has closed, a missing check-out is closed at the end and flagged, and a
volunteer who never came is counted as a no-show."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers import hours as service_hours
from volunteers.models import Activity, SignUp, SignUpStatus
from volunteers.teams import manages

# The code works from half an hour before the start to half an hour after the end; then
# the window closes.
MARGIN = timedelta(minutes=30)


def check_in(*, signup, now=None, code=None, actor=None):
    return _mark(signup, "in", now or timezone.now(), code, actor)


def check_out(*, signup, now=None, code=None, actor=None):
    return _mark(signup, "out", now or timezone.now(), code, actor)


def _mark(signup, direction, now, code, actor):
    """`code` from the volunteer's phone, or `actor` a leader marking them."""
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("activity__team", "volunteer")
            .get(pk=signup.pk)
        )
        activity = signup.activity
        if actor is not None and not manages(actor, activity.team):
            raise PermissionDenied(_("Only the team's leaders check volunteers in."))
        # The window first: a right code too early is told when check-in opens.
        _check_window(activity, now)
        if actor is None and (code is None or code.strip() != activity.checkin_code):
            raise ValidationError(_("That is not this activity's check-in code."))
        if signup.status != SignUpStatus.REGISTERED:
            raise ValidationError(_("Only volunteers with a place can check in."))
        if direction == "in":
            if signup.checked_in_at is not None:
                raise ValidationError(
                    _("Already checked in at %(time)s.")
                    % {"time": timezone.localtime(signup.checked_in_at).strftime("%H:%M")}
                )
            signup.checked_in_at = now
            signup.save(update_fields=["checked_in_at"])
            return signup
        if signup.checked_in_at is None:
            raise ValidationError(_("Check in first."))
        if signup.checked_out_at is not None:
            raise ValidationError(_("Already checked out."))
        minimum = timedelta(minutes=settings.VOLUNTEER_MIN_SERVICE_MINUTES)
        if now - signup.checked_in_at < minimum:
            raise ValidationError(
                _("You checked in at %(time)s: check out after at least %(minutes)d minutes.")
                % {
                    "time": timezone.localtime(signup.checked_in_at).strftime("%H:%M"),
                    "minutes": settings.VOLUNTEER_MIN_SERVICE_MINUTES,
                }
            )
        signup.checked_out_at = now
        signup.save(update_fields=["checked_out_at"])
        service_hours.record_credit(signup)
        return signup


def opens_at(activity):
    return activity.starts_at - MARGIN


def window_open(activity, now):
    return (
        not activity.cancelled
        and activity.closed_at is None
        and opens_at(activity) <= now <= activity.ends_at + MARGIN
    )


def _check_window(activity, now):
    if activity.cancelled:
        raise ValidationError(_("This activity has been cancelled."))
    if now < activity.starts_at - MARGIN:
        raise ValidationError(_("Check-in opens half an hour before the start."))
    if now > activity.ends_at + MARGIN or activity.closed_at is not None:
        raise ValidationError(_("The check-in code has expired: the activity is over."))


def close(activity_id, now=None):
    """Close an activity whose window has passed: once (stamped `closed_at`)."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity_id)
        if activity.closed_at is not None or now <= activity.ends_at + MARGIN:
            return False
        registered = activity.signups.select_for_update(of=("self",)).filter(
            status=SignUpStatus.REGISTERED
        )
        for signup in registered.select_related("volunteer"):
            signup.activity = activity
            if signup.checked_in_at is None:
                signup.no_show = True
                signup.save(update_fields=["no_show"])
            elif signup.checked_out_at is None:
                signup.checked_out_at, signup.auto_closed = activity.ends_at, True
                signup.save(update_fields=["checked_out_at", "auto_closed"])
                service_hours.record_credit(signup)
        activity.closed_at = now
        activity.save(update_fields=["closed_at"])
    return True
