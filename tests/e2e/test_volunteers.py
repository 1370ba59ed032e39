"""README, "Volunteer service", walk-through on `make run`: `volunteer` signs up on a phone
(and waits in line where the places are taken), confirms they are coming, checks in and out
with the leader's code; the community approves the hours, which earn points; the volunteer
sees hours and points and redeems a gift (cancelling one), which the community hands over by
its pickup code; the
street runs the star job and downloads the hours workbook."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from services.stations.models import OpeningHours, Station, StationKind
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street
from tests.factories import UserFactory
from volunteers import signups, stars
from volunteers.models import (
    Activity,
    HoursKind,
    HoursStatus,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Redemption,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarAward,
    StarRound,
    Team,
    VolunteerProfile,
)

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    community = world.community
    world.team = Team.objects.create(brand="守望彩虹", name="助老服务队", node=community)
    world.profile = VolunteerProfile.objects.create(user=world["volunteer"], community=community)
    world.others = [
        UserFactory(username=f"vol{i}", node=community, full_name=name)
        for i, name in enumerate(["刘洋", "孙静"])
    ]
    for user in world.others:
        VolunteerProfile.objects.create(user=user, community=community)
    for profile in VolunteerProfile.objects.all():
        Membership.objects.create(
            team=world.team, volunteer=profile, status=MembershipStatus.APPROVED
        )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    place = "红旗社区党群服务站"

    def activity(title, start, hours, capacity):
        return Activity.objects.create(
            team=world.team,
            node=community,
            title=title,
            place=place,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            capacity=capacity,
            signup_deadline=start,
            points_per_hour=10,
        )

    world.under_way = activity("社区环境清洁日", now - timedelta(hours=1), 6, 20)
    SignUp.objects.create(
        activity=world.under_way, volunteer=world.profile, status=SignUpStatus.REGISTERED
    )
    world.care_home = activity("敬老院陪伴", now + timedelta(days=2), 3, 8)
    world.anti_fraud = activity("防诈骗宣传", now + timedelta(days=5), 2, 2)
    world.station = Station.objects.create(
        code="HX-01-S1",
        name="红旗社区党群服务站",
        kind=StationKind.objects.get_or_create(name="党群服务站")[0],
        node=community,
        address="红旗路1号",
        latitude=36.0671,
        longitude=120.3826,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(station=world.station, weekday=d, opens=time(8, 30), closes=time(17, 30))
        for d in range(5)
    )
    world.gift = Reward.objects.create(
        node=community, name="环保购物袋", points_cost=5, stock=40, pickup_station=world.station
    )
    return world


def test_volunteer_signs_up_checks_in_and_spends_points(world, person):
    volunteer_user = world["volunteer"]
    # 1. As volunteer on a phone: Volunteer service (志愿服务), the street's activities with
    # places taken; sign up (报名) for 敬老院陪伴.
    volunteer = person("volunteer", phone=True).log_in(volunteer_user)
    volunteer.click_link(zh("Volunteer service"), within="header.top")
    volunteer.wait_for_path(reverse("volunteer-home"))
    listed = volunteer.text("main ul.tiles")
    assert all(a.title in listed for a in (world.under_way, world.care_home, world.anti_fraud))
    assert zh("%(taken)s of %(places)s places taken") % {"taken": 0, "places": 8} in listed
    volunteer.shot("activities")
    volunteer.fits_a_phone()
    volunteer.click_link("敬老院陪伴", within="main")
    volunteer.press("报名")
    assert SignUp.objects.get(activity=world.care_home).status == SignUpStatus.REGISTERED
    volunteer.shot("signed-up")

    # 防诈骗宣传 has 2 places: the third to sign up waits in line; a cancellation moves the
    # first in line up, with a notification.
    for user in world.others:
        signups.sign_up(activity=world.anti_fraud, user=user)
    volunteer.goto(reverse("volunteer-activity", args=[world.anti_fraud.pk]))
    volunteer.press("报名")
    mine = SignUp.objects.get(activity=world.anti_fraud, volunteer=world.profile)
    assert mine.status == SignUpStatus.WAITLISTED
    assert mine.get_status_display() in volunteer.text()
    volunteer.shot("waiting-in-line")
    signups.cancel(
        signup=SignUp.objects.get(activity=world.anti_fraud, volunteer__user=world.others[0])
    )
    mine.refresh_from_db()
    assert mine.status == SignUpStatus.REGISTERED
    volunteer.goto(reverse("volunteer-home"))
    volunteer.click_link(zh("Notifications"), within="header.top")
    assert "防诈骗宣传" in volunteer.text("main ul.tiles")
    volunteer.shot("told-moved-up")
    volunteer.goto(reverse("volunteer-activity", args=[world.anti_fraud.pk]))
    assert mine.get_status_display() in volunteer.text()
    volunteer.shot("moved-up")

    # From a day before the start, the volunteer can confirm they are coming (确认参加).
    with time_machine.travel(world.care_home.starts_at - timedelta(hours=20)):
        tomorrow = person("volunteer-next-day", phone=True).log_in(volunteer_user)
        tomorrow.goto(reverse("volunteer-activity", args=[world.care_home.pk]))
        tomorrow.press("确认参加")
        tomorrow.shot("coming")
    assert SignUp.objects.get(activity=world.care_home).confirmed_at is not None

    # 2. As community_cadre: the activity under way shows the leader's part (队长专用): the
    # 6-digit check-in code (签到码), a QR code and the roster with check-in/out buttons.
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.click_link(zh("Volunteer service"), within="header.top")
    cadre.click_link("社区环境清洁日", within="main")
    cadre.wait_for_path(reverse("volunteer-activity", args=[world.under_way.pk]))
    assert "队长专用" in cadre.text() and "签到码" in cadre.text()
    code = cadre.page.locator("main .code").inner_text().strip()
    assert len(code) == 6 and code.isdigit()
    qr = cadre.page.locator(
        f"img[src='{reverse('volunteer-checkin-qr', args=[world.under_way.pk])}']"
    )
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert "陈海燕" in cadre.text("main table") and "签到" in cadre.text("main table")
    cadre.shot("leader-part")

    # 3. As volunteer: a wrong code says why and changes nothing; the code checks in; the
    # code again later checks out, with the hours waiting for approval.
    volunteer.goto(reverse("volunteer-activity", args=[world.under_way.pk]))
    field = volunteer.page.locator(
        f"form[action='{reverse('volunteer-check', args=[world.under_way.pk])}'] input[name=code]"
    )
    wrong = "000000" if code != "000000" else "111111"
    field.fill(wrong)
    volunteer.press("签到")
    assert volunteer.message()
    signup = SignUp.objects.get(activity=world.under_way)
    assert signup.checked_in_at is None
    volunteer.shot("wrong-code")
    field.fill(code)
    volunteer.press("签到")
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    volunteer.shot("checked-in")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        later = person("volunteer-later", phone=True).log_in(volunteer_user)
        later.goto(reverse("volunteer-activity", args=[world.under_way.pk]))
        later.page.locator("input[name=code]").fill(code)
        later.press("签退")
        later.shot("checked-out")
    hours = ServiceHours.objects.get(signup=signup)
    assert hours.status == HoursStatus.PENDING and hours.hours > 0

    # 4. As community_cadre: Approvals (审核), approve the hours: points = hours × points per
    # hour × difficulty.
    cadre.goto(reverse("volunteer-home"))
    cadre.click_link("审核", within="main nav.tabs")
    cadre.wait_for_path(reverse("volunteer-approvals"))
    assert "陈海燕" in cadre.text()
    cadre.shot("approvals")
    cadre.press(zh("Approve"))
    hours.refresh_from_db()
    assert hours.status == HoursStatus.APPROVED
    world.profile.refresh_from_db()
    assert world.profile.points_balance > 0
    cadre.shot("approved")

    # 5. As volunteer: My hours and points (我的时长与积分): approved hours, the star, no-shows,
    # the ledger with the balance after each, the proof of service; Gifts (积分兑换): redeem.
    volunteer.goto(reverse("volunteer-home"))
    volunteer.click_link("我的时长与积分", within="main nav.tabs")
    volunteer.wait_for_path(reverse("volunteer-me"))
    me = volunteer.text()
    assert str(world.profile.points_balance) in me and f"{hours.hours:.2f}" in me
    entry = LedgerEntry.objects.get(volunteer=world.profile)
    volunteer.page.locator("details#ledger summary").click()
    assert str(entry.balance_after) in volunteer.text("details#ledger")
    proof = volunteer.page.get_by_role("link", name=zh("Proof of volunteer service (PDF)"))
    pdf = volunteer.fetch(proof)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    volunteer.shot("my-hours-and-points")
    volunteer.click_link("积分兑换", within="main nav.tabs")
    volunteer.wait_for_path(reverse("volunteer-rewards"))
    volunteer.shot("gifts")
    # Open a gift: what it costs, what is left after, where it is collected (the pickup
    # station, its address and opening hours).
    balance = world.profile.points_balance
    volunteer.click_link("环保购物袋", within="main")
    confirm_page = volunteer.text()
    for seen in ("红旗社区党群服务站", "红旗路1号", "08:30–17:30", str(balance - 5)):
        assert seen in confirm_page, seen
    volunteer.shot("redeem-confirm")
    # Confirm, pressed twice (a double tap): reserved once, with an 8-character pickup code.
    with volunteer.page.expect_navigation():
        volunteer.page.get_by_role("button", name=zh("Confirm: redeem")).dblclick()
    volunteer.page.wait_for_selector("main .pickup-code")
    redemption = Redemption.objects.get()
    code = volunteer.text("main .pickup-code").strip()
    assert code == redemption.pickup_code and len(code) == 8
    volunteer.shot("pickup-code")
    world.gift.refresh_from_db()
    world.profile.refresh_from_db()
    assert (world.gift.stock, world.profile.points_balance) == (39, balance - 5)
    # Until it is handed over the volunteer can cancel: the points come back as a refund.
    volunteer.goto(reverse("volunteer-redemption", args=[redemption.pk]))
    volunteer.press(zh("Cancel and get %(points)s points back") % {"points": 5})
    world.profile.refresh_from_db()
    assert world.profile.points_balance == balance
    assert LedgerEntry.objects.filter(volunteer=world.profile, points=5).exists()
    volunteer.shot("cancelled")
    volunteer.goto(reverse("volunteer-redeem", args=[world.gift.pk]))
    volunteer.press(zh("Confirm: redeem"))
    redemption = Redemption.objects.latest("pk")
    volunteer.shot("reserved-again")

    # 6. As community_cadre: Hand over gifts (礼品发放), type the pickup code, check the gift
    # and the name, Hand it over (确认发放). The admin lists redemptions with their codes.
    cadre.goto(reverse("volunteer-home"))
    cadre.click_link(zh("Hand over gifts"), within="main nav.tabs")
    cadre.wait_for_path(reverse("volunteer-handover"))
    cadre.page.fill("input[name=code]", redemption.pickup_code.lower())
    cadre.submit("main form")
    found = cadre.text("main dl.facts")
    assert "环保购物袋" in found and "陈海燕" in found
    cadre.shot("handover-found")
    cadre.press(zh("Hand it over"))
    redemption.refresh_from_db()
    assert redemption.status == "handed_over"
    cadre.shot("handed-over")
    cadre.goto(reverse("admin:volunteers_redemption_changelist"))
    assert redemption.pickup_code in cadre.text("#result_list")
    cadre.shot("admin-redemptions")

    # 7. As street_cadre: Star rating from the home page, Run the star job now: this June's
    # round is proposed and published; pressing again says which round waits and until when.
    # Volunteer hours (Excel) on the home page downloads the workbook.
    street = person("street_cadre").log_in(world["street_cadre"])
    street.goto(reverse("home"))
    street.click_link("星级评定", within="main")
    street.wait_for_path(reverse("volunteer-star-rounds"))
    street.press("立即运行评星")
    star_round = StarRound.objects.get()
    assert star_round.rating_date == latest_rating_date(timezone.localdate())
    street.shot("star-job-run")
    street.press("立即运行评星")
    said = street.message()
    assert f"{star_round.rating_date:%Y-%m-%d}" in said
    assert f"{star_round.notice_ends_on:%Y-%m-%d}" in said
    street.shot("star-job-again")
    street.page.locator(
        f"a[href='{reverse('volunteer-star-notice', args=[star_round.pk])}']"
    ).click()
    street.wait_for_path(reverse("volunteer-star-notice", args=[star_round.pk]))
    street.shot("star-notice")
    street.goto(reverse("home"))
    workbook = street.fetch(street.page.get_by_role("link", name="志愿服务时长（Excel）"))
    assert workbook.body().startswith(b"PK")  # an .xlsx is a zip
    assert ".xlsx" in workbook.headers["content-disposition"]


def latest_rating_date(today):
    """The default rating dates, 06-30 and 12-31: the latest one not after today."""
    dates = [date(today.year - 1, 12, 31), date(today.year, 6, 30), date(today.year, 12, 31)]
    return max(d for d in dates if d <= today)


def test_leader_plans_an_activity_on_the_phone(world, person):
    # 2. ... A team's leader (or a cadre, for the teams of their area) puts a new activity on
    # from the phone: Plan an activity (发布活动); bad input comes back, nothing is saved.
    cadre = person("community_cadre", phone=True).log_in(world["community_cadre"])
    cadre.goto(reverse("volunteer-home"))
    cadre.click_link(zh("Plan an activity"), within="main")
    cadre.wait_for_path(reverse("volunteer-activity-new"))
    cadre.shot("plan-form")
    cadre.fits_a_phone()
    start = timezone.localtime() + timedelta(days=3)
    minute = "%Y-%m-%dT%H:%M"
    page = cadre.page
    page.fill("#id_title", "垃圾分类宣传")
    page.fill("#id_place", "红旗社区党群服务站")
    page.fill("#id_starts_at", start.strftime(minute))
    page.fill("#id_ends_at", (start - timedelta(hours=1)).strftime(minute))  # ends first
    page.fill("#id_signup_deadline", (start - timedelta(days=1)).strftime(minute))
    page.fill("#id_capacity", "10")
    page.fill("#id_points_per_hour", "10")
    before = Activity.objects.count()
    cadre.submit("main form")
    assert Activity.objects.count() == before
    assert cadre.message()  # says why
    cadre.shot("plan-refused")
    page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime(minute))
    cadre.submit("main form")
    planned = Activity.objects.get(title="垃圾分类宣传")
    assert planned.team == world.team
    cadre.goto(reverse("volunteer-home"))
    assert "垃圾分类宣传" in cadre.text("main ul.tiles")
    cadre.shot("planned")


def test_last_decembers_certificates_open_for_the_community_and_the_volunteer(world, person):
    # 7. ... Last December's round is confirmed: its certificates carry full names, so they
    # open from the list for community_cadre and the volunteers themselves, not the street.
    rating_date = date(timezone.localdate().year - 1, 12, 31)
    start = timezone.make_aware(datetime(rating_date.year, 11, 1, 8))
    served = Activity.objects.create(
        team=world.team,
        node=world.community,
        title="冬季助老",
        place="红旗社区党群服务站",
        starts_at=start,
        ends_at=start + timedelta(days=6),
        capacity=10,
        signup_deadline=start,
        points_per_hour=10,
    )
    ServiceHours.objects.create(
        volunteer=world.profile,
        activity=served,
        kind=HoursKind.HONOUR,
        hours=Decimal("120"),
        reason="冬季助老服务",
        status=HoursStatus.APPROVED,
    )
    # Proposed then, through its notice period and confirmed (as the demo seeds it).
    star_round, _proposed = stars.propose(rating_date)
    StarRound.objects.filter(pk=star_round.pk).update(
        proposed_at=timezone.make_aware(datetime(rating_date.year, 12, 31, 9)),
        notice_ends_on=rating_date + timedelta(days=7),
    )
    star_round.refresh_from_db()
    stars.confirm(star_round, now=timezone.make_aware(datetime(rating_date.year + 1, 1, 8, 9)))
    award = StarAward.objects.get(round=star_round, volunteer=world.profile)
    certificate = reverse("volunteer-star-certificate", args=[award.pk])

    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.goto(reverse("volunteer-star-rounds"))
    cadre.shot("rounds-with-certificates")
    link = cadre.page.locator(f"main a[href='{certificate}']")
    assert cadre.fetch(link).body().startswith(b"%PDF")

    volunteer = person("volunteer", phone=True).log_in(world["volunteer"])
    volunteer.goto(reverse("volunteer-me"))
    link = volunteer.page.locator(f"main a[href='{certificate}']")
    assert f"{rating_date:%Y-%m-%d}" in link.inner_text()
    assert volunteer.fetch(link).body().startswith(b"%PDF")
    volunteer.shot("my-certificate")

    street = person("street_cadre").log_in(world["street_cadre"])
    street.goto(reverse("volunteer-star-rounds"))
    assert street.page.locator(f"main a[href='{certificate}']").count() == 0
    assert street.page.request.get(certificate).status in (403, 404)
    street.shot("rounds-without-certificates")


def test_check_in_refusals_say_why_and_change_nothing(world, person):
    # 3. ... a sign-up after the deadline says why; ten wrong codes a minute are refused,
    # and then even the right one waits.
    late = person("late-volunteer", phone=True).log_in(world.others[0])
    late.goto(reverse("volunteer-activity", args=[world.under_way.pk]))
    assert late.page.get_by_role("button", name="报名").count() == 0
    closed_at = timezone.localtime(world.under_way.signup_deadline).strftime("%m-%d %H:%M")
    assert zh("Sign-up closed at %(time)s.") % {"time": closed_at} in late.text()
    late.shot("sign-up-closed")

    volunteer = person("volunteer", phone=True).log_in(world["volunteer"])
    volunteer.goto(reverse("volunteer-activity", args=[world.under_way.pk]))
    code = world.under_way.checkin_code
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(10):
        volunteer.page.locator("input[name=code]").fill(wrong)
        volunteer.press("签到")
    volunteer.page.locator("input[name=code]").fill(code)
    volunteer.press("签到")
    assert volunteer.message()
    assert SignUp.objects.get(activity=world.under_way).checked_in_at is None
    volunteer.shot("too-many-codes")
