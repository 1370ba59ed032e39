"""/v/me/ (#17.8): one skills form, each history collapsed and paged with a flat query count,
dates with the year when it is not this year, and each sign-up saying what came of it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tests.factories import cadre
from tests.volunteers.conftest import T0, make_activity
from volunteers import attendance, history, hours, ledger, signups
from volunteers.models import LedgerEntry, SignUp, SignUpStatus

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def a_long_history(service, n):
    """n past activities alice signed up for, with a ledger entry each; the first in 2025."""
    for i in range(n):
        starts = T0 - timedelta(days=7 * (i + 1))
        activity = make_activity(service.team, starts_at=starts, title=f"周六服务{i:02}")
        SignUp.objects.create(
            activity=activity,
            volunteer=service.alice.volunteer,
            status=SignUpStatus.REGISTERED,
            queued_at=starts - timedelta(days=2),
        )
        with at(starts):
            ledger.award_points(user=service.alice, points=5, reason=f"心愿{i}", key=f"w:{i}")


def test_the_skills_form_is_there_once(service):
    page = client_for(service.alice).get(reverse("volunteer-me")).content.decode()
    assert page.count('name="skills"') == 1


@pytest.mark.parametrize("n", [3, 25])
def test_histories_are_collapsed_and_paged_with_flat_queries(
    service, n, django_assert_max_num_queries
):
    a_long_history(service, n)
    alice = client_for(service.alice)
    with at(T0), django_assert_max_num_queries(22):
        page = alice.get(reverse("volunteer-me"))
    shown = page.content.decode()
    assert 'id="signups" open' not in shown and 'id="ledger" open' not in shown
    assert len(page.context["signups"].rows) == min(n, history.PER_PAGE)
    assert len(page.context["ledger"].rows) == min(n, history.PER_PAGE)
    assert page.context["signups"].page.paginator.count == n
    # The newest first, the rest on later pages.
    assert page.context["signups"].rows[0]["signup"].activity.title == "周六服务00"

    last = (n - 1) // history.PER_PAGE + 1
    with at(T0), django_assert_max_num_queries(22):
        later = alice.get(reverse("volunteer-me"), {"signups": last})
    assert 'id="signups" open' in later.content.decode()
    assert len(later.context["signups"].rows) == n - (last - 1) * history.PER_PAGE
    assert later.context["signups"].rows[-1]["signup"].activity.title == f"周六服务{n - 1:02}"
    # A page past the end or not a number is the last or first page, never an error.
    assert alice.get(reverse("volunteer-me"), {"ledger": "x"}).status_code == 200
    assert alice.get(reverse("volunteer-me"), {"ledger": "999"}).status_code == 200


def test_dates_carry_the_year_when_it_is_not_this_year(service):
    with at(T0.replace(year=2025, month=12, day=27)):
        ledger.award_points(user=service.alice, points=5, reason="去年的心愿", key="w:last-year")
    with at(T0 - timedelta(days=3)):
        ledger.award_points(user=service.alice, points=5, reason="今年的心愿", key="w:this-year")
    with at(T0):
        page = client_for(service.alice).get(reverse("volunteer-me"), {"ledger": 1})
    shown = page.content.decode()
    assert "<td>2025-12-27</td>" in shown
    assert "<td>05-08</td>" in shown and "<td>2026-05-08</td>" not in shown
    assert LedgerEntry.objects.count() == 2


def test_each_sign_up_says_what_came_of_it(service):
    leader = service.leader
    team = service.team
    coming, done, missed, waiting, gone = (
        make_activity(team, starts_at=T0 + timedelta(days=d), title=t)
        for d, t in [(2, "将来"), (1, "做完"), (1, "没来"), (1, "候补"), (1, "取消")]
    )
    cadre_a = cadre(team.node)
    with at(T0):
        signups.sign_up(activity=coming, user=service.alice)
        finished = signups.sign_up(activity=done, user=service.alice)
        no_show = signups.sign_up(activity=missed, user=service.alice)
        waiting.capacity = 1
        waiting.save()
        signups.sign_up(activity=waiting, user=service.bob)
        signups.sign_up(activity=waiting, user=service.alice)
        dropped = signups.sign_up(activity=gone, user=service.alice)
        signups.cancel(signup=dropped)
    with at(done.starts_at):
        attendance.check_in(signup=finished, actor=leader)
    with at(done.ends_at):
        attendance.check_out(signup=finished, actor=leader)
    hours.approve(entry=finished.credit_hours, actor=cadre_a)
    SignUp.objects.filter(pk=no_show.pk).update(no_show=True)

    with at(T0 + timedelta(days=1, hours=1)):
        page = client_for(service.alice).get(reverse("volunteer-me"))
        rows = page.context["signups"].rows
        said = {row["signup"].activity.title: row["outcome"] for row in rows}
    assert said == {
        "将来": pgettext("sign-up outcome", "Signed up"),
        "做完": _("Done: %(hours)s hours") % {"hours": "3.00"},
        "没来": pgettext("sign-up outcome", "Did not come"),
        "候补": pgettext("sign-up outcome", "On the waiting list"),
        "取消": pgettext("sign-up outcome", "Cancelled"),
    }
    assert said["做完"] in page.content.decode()
    # While it runs: checked in; once over without a check-in: not checked in.
    with at(coming.starts_at):
        signup = SignUp.objects.get(activity=coming, volunteer__user=service.alice)
        attendance.check_in(signup=signup, actor=leader)
        signup.refresh_from_db()
        assert history.outcome(signup) == pgettext("sign-up outcome", "Checked in")
    other = make_activity(team, starts_at=T0 + timedelta(days=3), title="忘了")
    with at(T0):
        forgot = signups.sign_up(activity=other, user=service.alice)
    with at(other.ends_at + timedelta(minutes=1)):
        assert history.outcome(forgot) == pgettext("sign-up outcome", "Not checked in")


def test_another_volunteer_sees_only_their_own_history(service):
    a_long_history(service, 2)
    page = client_for(service.bob).get(reverse("volunteer-me"), {"signups": 1, "ledger": 1})
    assert page.status_code == 200
    assert "周六服务" not in page.content.decode() and "心愿0" not in page.content.decode()
