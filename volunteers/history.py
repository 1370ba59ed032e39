"""A volunteer's own history on /v/me/: sign-ups with what came of each, service hours and
the points ledger, each paged, so the page stays short on a phone however long someone has
served, and each list costs the same two queries (a count and a page) at any length."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from volunteers.models import HoursStatus, SignUpStatus

PER_PAGE = 10


@dataclass(frozen=True)
class Section:
    """One paged list of the page: its name in the address (?<key>=N) and the page shown;
    the section opens when its address was asked for."""

    key: str
    page: object  # django.core.paginator.Page
    rows: list
    open: bool


def section(key, queryset, request, row=lambda item: item):
    asked = request.GET.get(key)
    page = Paginator(queryset, PER_PAGE).get_page(asked)
    return Section(key=key, page=page, rows=[row(item) for item in page], open=asked is not None)


def outcome(signup, now=None):
    """What happened to a sign-up, in the volunteer's words: signed up, waiting, checked in,
    done with the hours (and whether they are approved), no-show, cancelled. Expects the
    activity and credit hours selected with it."""
    now = now or timezone.now()
    if signup.status == SignUpStatus.CANCELLED:
        return pgettext("sign-up outcome", "Cancelled")
    if signup.status == SignUpStatus.WAITLISTED:
        if signup.activity.ends_at <= now:
            return pgettext("sign-up outcome", "Did not get a place")
        return pgettext("sign-up outcome", "On the waiting list")
    if signup.no_show:
        return pgettext("sign-up outcome", "Did not come")
    if signup.checked_out_at is not None:
        credit = getattr(signup, "credit_hours", None)
        if credit is None:  # a check-out within the minimum service earns no hours
            return pgettext("sign-up outcome", "Checked out, no hours")
        words = {
            HoursStatus.APPROVED: _("Done: %(hours)s hours"),
            HoursStatus.PENDING: _("Done: %(hours)s hours, waiting for approval"),
            HoursStatus.DECLINED: _("Done: %(hours)s hours, declined"),
            HoursStatus.REVERSED: _("Done: %(hours)s hours, reversed"),
        }
        return words[credit.status] % {"hours": credit.hours}
    if signup.checked_in_at is not None:
        return pgettext("sign-up outcome", "Checked in")
    if signup.activity.ends_at <= now:
        return pgettext("sign-up outcome", "Not checked in")
    if signup.confirmed_at is not None:
        return pgettext("sign-up outcome", "Signed up, coming")
    return pgettext("sign-up outcome", "Signed up")


def signups(profile):
    return profile.signups.select_related("activity", "credit_hours").order_by(
        "-activity__starts_at", "-pk"
    )


def hours(profile):
    return profile.hours.select_related("activity")


def ledger(profile):
    return profile.ledger.all()
