"""The volunteer beat scan: the day-before confirmation request, the start reminder, hours
waiting too long for approval, closing finished activities and the star rating rounds. Each
acts once per row (a stamp or `closed_at`), so running it twice sends nothing twice."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import people
from governance.beat import act_once
from governance.notifications import notify
from volunteers import attendance, stars
from volunteers.models import Activity, HoursStatus, ServiceHours, SignUp, SignUpStatus
from volunteers.signups import CONFIRM_AHEAD, activity_url
from volunteers.teams import leaders_of

START_AHEAD = timedelta(hours=1)
SIGNUP_RELATED = ("activity", "volunteer__user")


def scan(now=None):
    now = now or timezone.now()
    return {
        "confirmations": _request_confirmations(now),
        "start_reminders": _remind_start(now),
        "approvals": _remind_approvals(now),
        "closed": _close_finished(now),
        **stars.run(timezone.localdate(now)),
    }


def _starting_within(ahead, now):
    return SignUp.objects.filter(
        status=SignUpStatus.REGISTERED,
        activity__cancelled=False,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + ahead,
    )


def _when(activity):
    return timezone.localtime(activity.starts_at).strftime("%m-%d %H:%M")


def _request_confirmations(now):
    def ask(signup):
        notify(
            [signup.volunteer.user],
            title=_("Are you coming? %(activity)s starts %(when)s")
            % {"activity": signup.activity.title, "when": _when(signup.activity)},
            body=_("Confirm on the activity page, or cancel so someone waiting can come."),
            url=activity_url(signup.activity),
        )

    due = _starting_within(CONFIRM_AHEAD, now).filter(confirmed_at__isnull=True)
    return act_once(due, "confirmation_requested_at", now, ask, related=SIGNUP_RELATED)


def _remind_start(now):
    def remind(signup):
        notify(
            [signup.volunteer.user],
            title=_("%(activity)s starts at %(when)s, %(place)s")
            % {
                "activity": signup.activity.title,
                "when": _when(signup.activity),
                "place": signup.activity.place,
            },
            url=activity_url(signup.activity),
        )

    due = _starting_within(START_AHEAD, now)
    return act_once(due, "start_reminded_at", now, remind, related=SIGNUP_RELATED)


def _remind_approvals(now):
    def remind(entry):
        activity = entry.activity
        notify(
            [*leaders_of(activity.team), *people.cadres_of(activity.node)],
            title=_("Hours waiting for approval since %(date)s: %(volunteer)s, %(activity)s")
            % {
                "date": timezone.localtime(entry.created_at).strftime("%m-%d"),
                "volunteer": entry.volunteer,
                "activity": activity.title,
            },
            url=approvals_url(),
        )

    waiting = ServiceHours.objects.filter(
        status=HoursStatus.PENDING,
        created_at__lte=now - timedelta(days=settings.VOLUNTEER_APPROVAL_REMIND_DAYS),
    )
    return act_once(
        waiting,
        "approval_reminded_at",
        now,
        remind,
        related=("activity__team", "activity__node", "volunteer__user"),
    )


def _close_finished(now):
    finished = Activity.objects.filter(
        closed_at__isnull=True, cancelled=False, ends_at__lt=now - attendance.MARGIN
    ).values_list("pk", flat=True)[:500]
    return sum(attendance.close(pk, now) for pk in finished)


def approvals_url():
    return reverse("volunteer-approvals")
