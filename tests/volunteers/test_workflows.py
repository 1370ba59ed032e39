"""Volunteer workflows: sign-up and waiting list, check-in and hours, the ledger, gifts,
stars and the beat scan, on a frozen clock."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from governance.models import Notification
from tests.volunteers.conftest import T0, make_activity, volunteer
from volunteers import attendance, hours, ledger, reminders, rewards, signups, stars
from volunteers.models import (
    EntryKind,
    HoursStatus,
    LedgerEntry,
    RedemptionStatus,
    ServiceHours,
    SignUpStatus,
    StarAward,
    StarRound,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db
START = T0 + timedelta(days=1)  # the fixture's activity: tomorrow 9:00–12:00


def at(moment):
    return time_machine.travel(moment, tick=False)


def attend(signup, arrive, leave):
    code = signup.activity.checkin_code
    with at(arrive):
        attendance.check_in(signup=signup, code=code)
    with at(leave):
        return attendance.check_out(signup=signup, code=code)


# --- Sign-up


def test_capacity_waiting_list_and_promotion_on_cancel(service):
    activity = make_activity(service.team, capacity=1)
    with at(T0):
        first = signups.sign_up(activity=activity, user=service.alice)
        second = signups.sign_up(activity=activity, user=service.bob)
        third = signups.sign_up(activity=activity, user=service.leader)
    assert [first.status, second.status, third.status] == [
        SignUpStatus.REGISTERED,
        SignUpStatus.WAITLISTED,
        SignUpStatus.WAITLISTED,
    ]
    with at(T0), pytest.raises(ValidationError, match="已经报名|already signed up"):
        signups.sign_up(activity=activity, user=service.bob)
    with at(T0 + timedelta(hours=1)):
        signups.cancel(signup=first)
    second.refresh_from_db(), third.refresh_from_db()
    assert second.status == SignUpStatus.REGISTERED and third.status == SignUpStatus.WAITLISTED
    assert Notification.objects.filter(recipient=service.bob).exists()  # told of the place
    with at(T0 + timedelta(hours=2)):  # re-joining goes to the back of the line
        again = signups.sign_up(activity=activity, user=service.alice)
    assert again.pk == first.pk and again.status == SignUpStatus.WAITLISTED


def test_no_sign_up_after_the_deadline_or_to_a_cancelled_activity(service):
    activity = service.activity
    with at(activity.signup_deadline + timedelta(minutes=1)), pytest.raises(ValidationError):
        signups.sign_up(activity=activity, user=service.alice)
    activity.cancelled = True
    activity.save()
    with at(T0), pytest.raises(ValidationError):
        signups.sign_up(activity=activity, user=service.alice)
    assert not activity.signups.exists()


def test_confirmation_and_no_shows_per_year(service):
    activity = service.activity
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
        signups.confirm_attendance(signup=signup)
    signup.refresh_from_db()
    assert signup.confirmed_at == T0
    assert attendance.close(activity.pk, now=activity.ends_at + timedelta(hours=1))
    signup.refresh_from_db()
    assert signup.no_show
    assert signups.no_shows(signup.volunteer, START.year) == 1
    assert signups.no_shows(signup.volunteer, START.year + 1) == 0


# --- Check-in and hours


def test_check_in_by_code_clips_hours_to_the_window(service):
    with at(T0):
        signup = signups.sign_up(activity=service.activity, user=service.alice)
    signup = attend(
        signup, START - timedelta(minutes=20), service.activity.ends_at + timedelta(minutes=10)
    )
    entry = signup.credit_hours
    assert entry.hours == Decimal("3.00") and entry.status == HoursStatus.PENDING


@pytest.mark.parametrize(
    ("moment", "code", "message"),
    [
        (START, "000000x", "签到码|check-in code"),
        (START - timedelta(hours=2), None, "半小时|half an hour"),
        (START + timedelta(hours=4), None, "过期|expired"),
    ],
)
def test_wrong_early_or_expired_codes_are_refused(service, moment, code, message):
    with at(T0):
        signup = signups.sign_up(activity=service.activity, user=service.alice)
    with at(moment), pytest.raises(ValidationError, match=message):
        attendance.check_in(signup=signup, code=code or service.activity.checkin_code)
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_double_check_in_is_refused_and_leaders_can_mark(service):
    with at(T0):
        signup = signups.sign_up(activity=service.activity, user=service.alice)
    with at(START):
        attendance.check_in(signup=signup, actor=service.leader)
        with pytest.raises(ValidationError, match="您已于|Already checked in"):
            attendance.check_in(signup=signup, code=service.activity.checkin_code)
        with pytest.raises(PermissionDenied):
            attendance.check_out(signup=signup, actor=service.bob)  # not a leader


def test_a_missing_check_out_closes_at_the_end_flagged(service):
    activity = service.activity
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
    with at(START + timedelta(hours=1)):
        attendance.check_in(signup=signup, code=activity.checkin_code)
    with at(activity.ends_at + timedelta(hours=1)):
        assert reminders.scan()["closed"] == 1
        assert reminders.scan()["closed"] == 0  # once
    entry = ServiceHours.objects.get(signup=signup)
    assert entry.hours == Decimal("2.00") and entry.flagged


def test_approval_earns_points_once_and_reversal_takes_them_back(service, cadre_a, cadre_b):
    activity = make_activity(service.team, difficulty="1.5", points_per_hour=10)
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
    entry = attend(signup, activity.starts_at, activity.ends_at).credit_hours
    with pytest.raises(PermissionDenied):
        hours.approve(entry=entry, actor=cadre_b)  # another community
    with pytest.raises(PermissionDenied):
        hours.approve(entry=entry, actor=service.bob)  # a member, not a leader
    hours.approve(entry=entry, actor=service.leader)
    with pytest.raises(ValidationError):
        hours.approve(entry=entry, actor=cadre_a)  # already approved
    profile = VolunteerProfile.objects.get(user=service.alice)
    assert profile.points_balance == 45  # 3 h × 10 × 1.5
    with pytest.raises(ValidationError):
        hours.reverse(entry=entry, actor=cadre_a, reason=" ")
    hours.reverse(entry=entry, actor=cadre_a, reason="重复登记")
    profile.refresh_from_db()
    entry.refresh_from_db()
    assert profile.points_balance == 0 and entry.status == HoursStatus.REVERSED
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", "points")) == [
        (EntryKind.EARNED_HOURS, 45),
        (EntryKind.REVERSED, -45),
    ]


def test_honour_hours_need_a_reason_and_fit_the_activity(service, cadre_a, cadre_b):
    profile = service.alice.volunteer
    args = {"activity": service.activity, "volunteer": profile}
    with pytest.raises(ValidationError):
        hours.add_honour_hours(**args, hours="3.5", reason="组织协调", actor=cadre_a)
    with pytest.raises(ValidationError):
        hours.add_honour_hours(**args, hours="2", reason="", actor=cadre_a)
    with pytest.raises(ValidationError):
        hours.add_honour_hours(**args, hours="abc", reason="x", actor=cadre_a)
    with pytest.raises(PermissionDenied):
        hours.add_honour_hours(**args, hours="2", reason="x", actor=cadre_b)
    entry = hours.add_honour_hours(**args, hours="2.5", reason="组织协调", actor=cadre_a)
    assert entry.kind == "honour" and entry.status == HoursStatus.PENDING


# --- The ledger


def test_the_ledger_only_grows_and_never_goes_negative(service, cadre_a):
    profile = service.alice.volunteer
    entry, created = ledger.award_points(user=service.alice, points=10, reason="心愿", key="w:1")
    again, created_again = ledger.award_points(user=service.alice, points=10, reason="x", key="w:1")
    assert created and not created_again and again.pk == entry.pk
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(ledger.InsufficientPoints):
        ledger.adjust(volunteer=profile, points=-11, reason="纠错", actor=cadre_a, key="a:1")
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database holds the line
        VolunteerProfile.objects.filter(pk=profile.pk).update(points_balance=-1)
    ledger.adjust(volunteer=profile, points=-4, reason="纠错", actor=cadre_a, key="a:2")
    profile.refresh_from_db()
    assert profile.points_balance == 6
    call_command("check_ledger")


# --- Gifts


def test_redeem_hand_over_and_cancel_with_refund(service, cadre_a, cadre_b):
    reward = service.reward  # 20 points, 5 in stock
    ledger.award_points(user=service.alice, points=50, reason="心愿", key="w:1")
    first = rewards.redeem(reward=reward, user=service.alice)
    second = rewards.redeem(reward=reward, user=service.alice)
    with pytest.raises(ledger.InsufficientPoints):
        rewards.redeem(reward=reward, user=service.alice)  # 10 left
    reward.refresh_from_db()
    assert reward.stock == 3
    with pytest.raises(PermissionDenied):
        rewards.hand_over(redemption=first, actor=cadre_b)
    rewards.hand_over(redemption=first, actor=cadre_a)
    rewards.cancel(redemption=second, actor=cadre_a)
    with pytest.raises(ValidationError):
        rewards.cancel(redemption=first, actor=cadre_a)  # already handed over
    reward.refresh_from_db()
    second.refresh_from_db()
    assert reward.stock == 4 and second.status == RedemptionStatus.CANCELLED
    assert VolunteerProfile.objects.get(user=service.alice).points_balance == 30


def test_no_redemption_without_stock(service):
    ledger.award_points(user=service.alice, points=50, reason="心愿", key="w:1")
    service.reward.stock = 0
    service.reward.save()
    with pytest.raises(ValidationError, match="已兑完|out of stock"):
        rewards.redeem(reward=service.reward, user=service.alice)
    assert VolunteerProfile.objects.get(user=service.alice).points_balance == 50


# --- Stars


@pytest.mark.parametrize(
    ("approved", "expected"),
    [(99.99, 0), (100, 1), (299, 1), (300, 2), (600, 3), (999, 3), (1000, 4), (1500, 5), (9000, 5)],
)
def test_stars_at_each_threshold(approved, expected):
    assert stars.stars_for(Decimal(str(approved))) == expected


def approved_hours(service, user, amount, cadre):
    """A long record of service, in short: one entry of `amount` hours, approved."""
    entry = ServiceHours.objects.create(
        volunteer=user.volunteer,
        activity=service.activity,
        kind="honour",
        hours=amount,
        reason="累计",
        created_by=cadre,
    )
    return hours.approve(entry=entry, actor=cadre)


def test_the_star_job_proposes_publishes_then_confirms(service, cadre_a):
    approved_hours(service, service.alice, Decimal("320"), cadre_a)
    approved_hours(service, service.bob, Decimal("99"), cadre_a)
    rating_day = date(2026, 6, 30)  # a Tuesday
    with at(T0.replace(month=6, day=29)):  # the previous round's date counts earlier service
        assert reminders.scan()["proposed"] == 0
    with at(T0.replace(month=6, day=30)):
        result = stars.run()
        assert result["proposed"] == 1 and stars.run()["proposed"] == 0
    star_round = StarRound.objects.get(rating_date=rating_day)
    assert star_round.notice_ends_on == date(2026, 7, 7)  # five working days
    award = StarAward.objects.get()
    assert (award.volunteer.user, award.stars, award.confirmed_at) == (service.alice, 2, None)
    with at(T0.replace(month=7, day=7)):
        assert stars.run()["confirmed"] == 0  # still in the notice period
    with at(T0.replace(month=7, day=8)):
        assert stars.run()["confirmed"] == 1 and stars.run()["confirmed"] == 0
    assert VolunteerProfile.objects.get(user=service.alice).stars == 2
    assert Notification.objects.filter(recipient=service.alice, url__contains="/star/").exists()


# --- Reminders


def test_reminders_are_sent_once_each(service, cadre_a):
    activity = service.activity
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
    with at(START - timedelta(hours=20)):
        assert reminders.scan()["confirmations"] == 1
        assert reminders.scan()["confirmations"] == 0
    with at(START - timedelta(minutes=30)):
        assert reminders.scan()["start_reminders"] == 1
        assert reminders.scan()["start_reminders"] == 0
    attend(signup, START, activity.ends_at)
    with at(activity.ends_at + timedelta(days=2)):
        assert reminders.scan()["approvals"] == 0
    with at(activity.ends_at + timedelta(days=3, minutes=1)):
        assert reminders.scan()["approvals"] == 1
        assert reminders.scan()["approvals"] == 0
    told = Notification.objects.filter(url__contains="/v/approvals/")
    assert {n.recipient for n in told} == {service.leader, cadre_a}


def test_a_wish_award_made_before_the_ledger_is_kept(service):
    other = volunteer("carol", service.team.node)
    ledger.award_points(user=other, points=10, reason="心愿", key="wish:7")
    assert other.volunteer.points_balance == 10


def test_more_places_go_to_those_waiting_and_a_cancellation_is_told(service):
    activity = make_activity(service.team, capacity=1)
    with at(T0):
        for user in (service.alice, service.bob, service.leader):
            signups.sign_up(activity=activity, user=user)
    activity.capacity = 2
    activity.save()
    signups.activity_changed(activity, ["capacity"])
    statuses = dict(activity.signups.values_list("volunteer__user__username", "status"))
    assert statuses == {"alice": "registered", "bob": "registered", "leader": "waitlisted"}
    activity.cancelled = True
    activity.save()
    signups.activity_changed(activity, ["cancelled"])
    told = Notification.objects.filter(title__contains=activity.title, url__contains="/v/")
    assert {n.recipient.username for n in told} >= {"alice", "bob", "leader"}


@pytest.mark.parametrize(
    ("hours_by_rating_date", "proposed"),
    [("99.99", None), ("100", 1), ("299.99", 1), ("300", 2), ("600", 3), ("1000", 4), ("1500", 5)],
)
def test_the_job_proposes_the_star_each_threshold_earns(
    service, cadre_a, hours_by_rating_date, proposed
):
    left = Decimal(hours_by_rating_date)
    while left > 0:  # one record holds under 1,000 hours
        approved_hours(service, service.alice, min(left, Decimal(900)), cadre_a)
        left -= 900
    with at(T0.replace(month=6, day=30, hour=23)):
        stars.run()
    award = StarAward.objects.filter(volunteer__user=service.alice).first()
    assert (award.stars if award else None) == proposed


# --- Found in review


def test_nobody_approves_their_own_hours(service, cadre_a):
    entry = hours.add_honour_hours(
        activity=service.activity,
        volunteer=service.leader.volunteer,
        hours="1",
        reason="组织",
        actor=cadre_a,
    )
    with pytest.raises(PermissionDenied):
        hours.approve(entry=entry, actor=service.leader)
    hours.approve(entry=entry, actor=cadre_a)
    hours.reverse(entry=entry, actor=cadre_a, reason="重复")
    entry.refresh_from_db()
    assert entry.reversed_by == cadre_a and entry.reversed_at is not None


def test_all_of_a_volunteers_hours_fit_the_activity(service, cadre_a):
    args = {"activity": service.activity, "volunteer": service.alice.volunteer, "actor": cadre_a}
    hours.add_honour_hours(**args, hours="2", reason="组织")
    with pytest.raises(ValidationError):
        hours.add_honour_hours(**args, hours="1.5", reason="再次")  # 3.5 h of a 3 h activity
    assert ServiceHours.objects.count() == 1


def test_an_activity_with_people_checked_in_cannot_be_cancelled(service):
    activity = service.activity
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
    with at(START):
        attendance.check_in(signup=signup, code=activity.checkin_code)
    activity.cancelled = True
    with pytest.raises(ValidationError):
        activity.full_clean()


def test_a_cancelled_activity_promotes_nobody_and_confirmation_waits_for_the_day_before(
    service,
):
    activity = make_activity(service.team, capacity=1)
    with at(T0 - timedelta(days=3)):
        first = signups.sign_up(activity=activity, user=service.alice)
        waiting = signups.sign_up(activity=activity, user=service.bob)
        with pytest.raises(ValidationError):
            signups.confirm_attendance(signup=first)  # too early
    activity.cancelled = True
    activity.save()
    with at(T0 - timedelta(days=2)):
        signups.cancel(signup=first)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.WAITLISTED


def test_restocking_in_the_admin_keeps_gifts_reserved_meanwhile(service):
    reward = service.reward  # 5 in stock
    ledger.award_points(user=service.alice, points=20, reason="心愿", key="w:1")
    rewards.redeem(reward=reward, user=service.alice)  # 4 left, while a cadre edits
    rewards.restock(reward, +3)  # the cadre's page showed 5 and they typed 8
    reward.refresh_from_db()
    assert reward.stock == 7
    rewards.restock(reward, -100)
    reward.refresh_from_db()
    assert reward.stock == 0


def test_a_check_out_within_the_minimum_is_refused_and_earns_nothing(service, settings):
    """Seconds of "service" are not service: the check-out is refused with the reason, and an
    attendance closed shorter than the minimum earns no hours at all."""
    settings.VOLUNTEER_MIN_SERVICE_MINUTES = 10
    activity = service.activity
    with at(T0):
        signup = signups.sign_up(activity=activity, user=service.alice)
        late = signups.sign_up(activity=activity, user=service.bob)
    with pytest.raises(ValidationError, match="10"):
        attend(signup, START, START + timedelta(seconds=30))
    with at(START + timedelta(minutes=15)):
        attendance.check_out(signup=signup, code=activity.checkin_code)
    assert ServiceHours.objects.get(signup=signup).hours == Decimal("0.25")
    # Checked in five minutes before the end and never out: closed at the end, no hours.
    with at(activity.ends_at - timedelta(minutes=5)):
        attendance.check_in(signup=late, code=activity.checkin_code)
    with at(activity.ends_at + timedelta(hours=1)):
        reminders.scan()
    assert not ServiceHours.objects.filter(signup=late).exists()
