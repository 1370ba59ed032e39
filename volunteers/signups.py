"""Signing up for an activity: places are counted under a lock on the activity row, so many
volunteers signing up at once never overfill it; beyond capacity they wait in line, and a
cancellation promotes the first in line in the same transaction."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from volunteers.models import ACTIVE_SIGNUPS, Activity, SignUp, SignUpStatus
from volunteers.profiles import profile_for

# The day-before confirmation opens this long before the start.
CONFIRM_AHEAD = timedelta(days=1)


def open_for_sign_up(activity, now):
    return not activity.cancelled and now <= activity.signup_deadline


def may_confirm(signup, now):
    activity = signup.activity
    return (
        signup.status == SignUpStatus.REGISTERED
        and signup.confirmed_at is None
        and activity.starts_at - CONFIRM_AHEAD <= now < activity.starts_at
    )


def _locked(activity):
    return (
        Activity.objects.select_for_update(of=("self",)).select_related("team").get(pk=activity.pk)
    )


def sign_up(*, activity, user, now=None):
    volunteer = profile_for(user)
    with transaction.atomic():
        activity = _locked(activity)
        now = now or timezone.now()  # read under the lock: the waiting list's order
        if activity.cancelled:
            raise ValidationError(_("This activity has been cancelled."))
        if now > activity.signup_deadline:
            raise ValidationError(
                _("Sign-up for this activity closed at %(deadline)s.")
                % {"deadline": timezone.localtime(activity.signup_deadline).strftime("%m-%d %H:%M")}
            )
        signup = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
        if signup is not None and signup.status in ACTIVE_SIGNUPS:
            raise ValidationError(_("You have already signed up for this activity."))
        taken = activity.signups.filter(status=SignUpStatus.REGISTERED).count()
        status = SignUpStatus.REGISTERED if taken < activity.capacity else SignUpStatus.WAITLISTED
        if signup is None:
            signup = SignUp(activity=activity, volunteer=volunteer)
        signup.status, signup.queued_at = status, now
        # A re-join starts afresh: its confirmation and reminders are due again.
        signup.confirmed_at = signup.confirmation_requested_at = signup.start_reminded_at = None
        signup.save()
    return signup


def cancel(*, signup, now=None):
    """The volunteer withdraws; the first on the waiting list takes the place."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = _locked(signup.activity)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in ACTIVE_SIGNUPS:
            raise ValidationError(_("This sign-up is already cancelled."))
        if signup.checked_in_at is not None or now >= activity.starts_at:
            raise ValidationError(_("The activity has started: it can no longer be cancelled."))
        freed = signup.status == SignUpStatus.REGISTERED and not activity.cancelled
        signup.status = SignUpStatus.CANCELLED
        signup.save(update_fields=["status"])
        if freed:
            _promote_first_waiting(activity)
    return signup


def _promote_first_waiting(activity):
    first = (
        activity.signups.select_for_update(of=("self",))
        .filter(status=SignUpStatus.WAITLISTED)
        .select_related("volunteer__user")
        .order_by("queued_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = SignUpStatus.REGISTERED
    first.save(update_fields=["status"])
    notify(
        [first.volunteer.user],
        title=_("A place opened for you: %(activity)s") % {"activity": activity},
        url=activity_url(activity),
    )
    return first


def activity_changed(activity, changed_fields):
    """After a cadre edits an activity: more places go to those waiting, in order; a
    cancellation is told to everyone signed up."""
    with transaction.atomic():
        activity = _locked(activity)
        if "capacity" in changed_fields and not activity.cancelled:
            taken = activity.signups.filter(status=SignUpStatus.REGISTERED).count()
            for _place in range(max(activity.capacity - taken, 0)):
                if _promote_first_waiting(activity) is None:
                    break
        if "cancelled" in changed_fields and activity.cancelled:
            signed_up = activity.signups.filter(status__in=ACTIVE_SIGNUPS)
            notify(
                [s.volunteer.user for s in signed_up.select_related("volunteer__user")],
                title=_("Cancelled: %(activity)s") % {"activity": activity},
                url=activity_url(activity),
            )


def confirm_attendance(*, signup, now=None):
    """The day-before confirmation: "yes, I am coming"."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("activity")
            .get(pk=signup.pk)
        )
        if signup.status != SignUpStatus.REGISTERED:
            raise ValidationError(_("Only a volunteer with a place can confirm."))
        if now < signup.activity.starts_at - CONFIRM_AHEAD:
            raise ValidationError(_("Confirmation opens a day before the start."))
        if now >= signup.activity.starts_at:
            raise ValidationError(_("The activity has started."))
        if signup.confirmed_at is None:
            signup.confirmed_at = now
            signup.save(update_fields=["confirmed_at"])
    return signup


def no_shows(volunteer, year):
    return volunteer.signups.filter(no_show=True, activity__starts_at__year=year).count()


def activity_url(activity):
    return reverse("volunteer-activity", args=[activity.pk])
