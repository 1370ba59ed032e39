"""The volunteer's phone pages: the whole chain from sign-up to certificate through the
pages, bad input as messages, scope and query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from tests.factories import NodeFactory, UserFactory, cadre
from tests.volunteers.conftest import T0, make_activity, volunteer
from volunteers import hours, ledger, signups, stars
from volunteers.models import (
    HoursStatus,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Redemption,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarAward,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db
START = T0 + timedelta(days=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


def client_for(user):
    """A client of its own per person: the chain passes between several people."""
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_whole_chain_from_sign_up_to_certificate(service, street_cadre):
    activity = service.activity
    alice = client_for(service.alice)
    with at(T0):
        assert activity.title in alice.get(reverse("volunteer-home")).content.decode()
        alice.post(reverse("volunteer-sign-up", args=[activity.pk]))
    signup = SignUp.objects.get(activity=activity, volunteer__user=service.alice)
    assert signup.status == SignUpStatus.REGISTERED
    check = reverse("volunteer-check", args=[activity.pk])
    with at(START - timedelta(minutes=5)):
        alice.post(reverse("volunteer-confirm", args=[signup.pk]))
        alice.post(check, {"code": activity.checkin_code})
    with at(activity.ends_at):
        page = alice.post(check, {"code": activity.checkin_code}, follow=True)
    assert "3.00" in " ".join(messages_of(page))
    entry = ServiceHours.objects.get(signup=signup)

    leader = client_for(service.leader)
    with at(activity.ends_at + timedelta(hours=1)):
        assert (
            entry.volunteer.user.full_name
            in leader.get(reverse("volunteer-approvals")).content.decode()
        )
        leader.post(reverse("volunteer-decide-hours", args=[entry.pk]), {"decision": "approve"})
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED
    me = alice.get(reverse("volunteer-me"))
    assert me.context["profile"].points_balance == 30 and me.context["approved_hours"] == 3

    alice.post(reverse("volunteer-redeem", args=[service.reward.pk]))
    assert Redemption.objects.get().points == 20
    assert alice.get(reverse("volunteer-me")).context["profile"].points_balance == 10

    ServiceHours.objects.filter(pk=entry.pk).update(hours=120)  # a long year, in short
    with at(T0.replace(month=6, day=30)):
        stars.run()
    with at(T0.replace(month=7, day=8)):
        stars.run()
    award = StarAward.objects.get(volunteer__user=service.alice, confirmed_at__isnull=False)
    certificate = alice.get(reverse("volunteer-star-certificate", args=[award.pk]))
    assert certificate.status_code == 200 and certificate["Content-Type"] == "application/pdf"
    proof = alice.get(reverse("volunteer-service-proof", args=[award.volunteer_id]))
    assert proof.status_code == 200


def test_bad_input_is_a_message_and_saves_nothing(service):
    activity = make_activity(service.team, capacity=1)
    alice = client_for(service.alice)
    with at(T0):
        alice.post(reverse("volunteer-sign-up", args=[activity.pk]))
    check = reverse("volunteer-check", args=[activity.pk])
    with at(activity.starts_at):
        wrong = alice.post(check, {"code": "12345"}, follow=True)
        assert wrong.status_code == 200 and messages_of(wrong)
        not_code = alice.post(check, {"code": "000000"}, follow=True)
        if activity.checkin_code != "000000":
            assert "签到码" in " ".join(messages_of(not_code))
        late = alice.post(reverse("volunteer-sign-up", args=[activity.pk]), follow=True)
        assert messages_of(late)
    assert SignUp.objects.get(activity=activity).checked_in_at is None
    bob = client_for(service.bob)
    with at(activity.signup_deadline + timedelta(seconds=1)):
        closed = bob.post(reverse("volunteer-sign-up", args=[activity.pk]), follow=True)
    assert "截止" in " ".join(messages_of(closed))
    poor = bob.post(reverse("volunteer-redeem", args=[service.reward.pk]), follow=True)
    assert "积分不足" in " ".join(messages_of(poor)) and not Redemption.objects.exists()


def test_the_code_form_is_rate_limited(service):
    alice = client_for(service.alice)
    with at(T0):
        signups.sign_up(activity=service.activity, user=service.alice)
    check = reverse("volunteer-check", args=[service.activity.pk])
    with at(START):
        for _ in range(10):
            alice.post(check, {"code": "999999"})
        last = alice.post(check, {"code": service.activity.checkin_code}, follow=True)
    assert "太多" in " ".join(messages_of(last))
    assert SignUp.objects.get().checked_in_at is None


def test_another_street_sees_nothing(service):
    other_street = NodeFactory(name="绿洲街道党工委", code="LZ")
    outsider = volunteer("outsider", NodeFactory(parent=other_street, code="LZ-01"))
    client = client_for(outsider)
    assert service.activity.title not in client.get(reverse("volunteer-home")).content.decode()
    for name, pk in [
        ("volunteer-activity", service.activity.pk),
        ("volunteer-team", service.team.pk),
        ("volunteer-checkin-qr", service.activity.pk),
        ("volunteer-reward-picture", service.reward.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("volunteer-sign-up", args=[service.activity.pk])).status_code == 404
    assert client.post(reverse("volunteer-redeem", args=[service.reward.pk])).status_code == 404
    assert not client.get(reverse("volunteer-rewards")).context["rewards"]
    assert not SignUp.objects.filter(volunteer__user=outsider).exists()


def test_without_a_home_community_or_area_nothing_is_open(service):
    homeless = UserFactory(username="nomad", role="volunteer", node=None)
    other_street = NodeFactory(name="绿洲街道党工委", code="LZ")
    outside_cadre = cadre(other_street, "lz_cadre")
    for user in (homeless, outside_cadre):
        client = client_for(user)
        assert not client.get(reverse("volunteer-home")).context["rows"]
        assert not client.get(reverse("volunteer-teams")).context["rows"]
        assert (
            client.get(reverse("volunteer-activity", args=[service.activity.pk])).status_code == 404
        )


def test_only_leaders_and_the_area_decide(service, cadre_a, cadre_b):
    with at(T0):
        signup = signups.sign_up(activity=service.activity, user=service.alice)
    entry = hours.add_honour_hours(
        activity=service.activity,
        volunteer=service.alice.volunteer,
        hours="1",
        reason="x",
        actor=cadre_a,
    )
    decide = reverse("volunteer-decide-hours", args=[entry.pk])
    for outsider in (service.bob, cadre_b):
        client = client_for(outsider)
        assert not client.get(reverse("volunteer-approvals")).context["rows"]
        assert client.post(decide, {"decision": "approve"}).status_code == 404
        mark = reverse("volunteer-mark", args=[signup.pk])
        assert client.post(mark, {"direction": "in"}).status_code == 404
    assert (
        client_for(service.alice)
        .get(reverse("volunteer-activity", args=[service.activity.pk]))
        .context["roster"]
        is None
    )  # members do not see the roster
    declined = client_for(cadre_a).post(decide, {"decision": "decline"}, follow=True)
    assert messages_of(declined)  # a reason is needed
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    client_for(cadre_a).post(decide, {"decision": "approve"})
    assert LedgerEntry.objects.filter(volunteer__user=service.alice).count() == 1


def test_joining_a_team_waits_for_the_leader(service):
    newcomer = volunteer("dora", service.team.node)
    client_for(newcomer).post(reverse("volunteer-join", args=[service.team.pk]))
    team_page = client_for(service.leader).get(reverse("volunteer-team", args=[service.team.pk]))
    (request,) = team_page.context["requests"]
    assert (
        client_for(service.bob)
        .post(reverse("volunteer-decide", args=[request.pk]), {"decision": "approve"})
        .status_code
        == 404
    )
    client_for(service.leader).post(
        reverse("volunteer-decide", args=[request.pk]), {"decision": "approve"}
    )
    request.refresh_from_db()
    assert request.status == "approved"


@pytest.mark.parametrize("n", [1, 8])
def test_phone_pages_query_counts_do_not_grow(
    client_for, service, cadre_a, n, django_assert_max_num_queries
):
    people = [volunteer(f"v{i}", service.team.node) for i in range(n)]
    for person in people:  # the team page lists them
        Membership.objects.create(
            team=service.team, volunteer=person.volunteer, status=MembershipStatus.APPROVED
        )
    for i in range(n):
        activity = make_activity(service.team, title=f"活动{i}")
        with at(T0):
            signup = signups.sign_up(activity=activity, user=service.alice)
            signups.sign_up(activity=service.activity, user=people[i])
        entry = hours.add_honour_hours(
            activity=activity, volunteer=signup.volunteer, hours="1", reason="x", actor=cadre_a
        )
        if i % 2:
            hours.approve(entry=entry, actor=cadre_a)
        ledger.award_points(user=service.alice, points=5, reason="心愿", key=f"w:{i}")
    pages = {
        service.alice: ["volunteer-home", "volunteer-me", "volunteer-teams", "volunteer-rewards"],
        service.leader: ["volunteer-approvals"],
    }
    with at(T0):
        for user, names in pages.items():
            client = client_for(user)
            for name in names:
                # My page pages three histories: a count and a page each.
                with django_assert_max_num_queries(22 if name == "volunteer-me" else 16):
                    assert client.get(reverse(name)).status_code == 200
        leader = client_for(service.leader)
        with django_assert_max_num_queries(16):
            page = leader.get(reverse("volunteer-activity", args=[service.activity.pk]))
        assert len(page.context["roster"]) == n
        with django_assert_max_num_queries(16):
            team = leader.get(reverse("volunteer-team", args=[service.team.pk]))
        assert team.status_code == 200


def test_the_leaders_qr_opens_the_page_with_the_code(service):
    activity = service.activity
    qr = reverse("volunteer-checkin-qr", args=[activity.pk])
    response = client_for(service.leader).get(qr)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert client_for(service.alice).get(qr).status_code == 404  # members do not get it
    page = client_for(service.alice).get(
        reverse("volunteer-activity", args=[activity.pk]), {"code": activity.checkin_code}
    )
    assert page.context["code_form"]["code"].value() == activity.checkin_code


def test_a_volunteer_keeps_their_skills(service):
    client = client_for(service.alice)
    client.post(reverse("volunteer-me"), {"skills": "急救、理发"})
    service.alice.volunteer.refresh_from_db()
    assert service.alice.volunteer.skills == "急救、理发"
    too_long = client.post(reverse("volunteer-me"), {"skills": "长" * 201}, follow=True)
    assert messages_of(too_long)


def test_buttons_appear_only_when_they_can_work(service):
    activity = service.activity
    alice = client_for(service.alice)
    page = reverse("volunteer-activity", args=[activity.pk])
    with at(T0 - timedelta(hours=1)):
        signups.sign_up(activity=activity, user=service.alice)
        early = alice.get(page).context
    assert not early["can_confirm"]  # the confirmation opens a day before
    with at(START - timedelta(hours=2)):
        assert alice.get(page).context["can_confirm"]
    with at(activity.signup_deadline + timedelta(minutes=1)):
        assert not client_for(service.bob).get(page).context["signup_open"]
    tabs = reverse("volunteer-me")
    assert "/v/approvals/" not in alice.get(tabs).content.decode()
    assert "/v/approvals/" in client_for(service.leader).get(tabs).content.decode()


def test_names_are_shown_to_the_team_and_the_community_only(service, street_cadre, cadre_a):
    with at(T0):
        signups.sign_up(activity=service.activity, user=service.alice)
    activity_page = reverse("volunteer-activity", args=[service.activity.pk])
    street = client_for(street_cadre).get(activity_page).content.decode()
    assert "王爱丽" not in street and "王某" in street  # the street manages, masked
    assert "王爱丽" in client_for(service.leader).get(activity_page).content.decode()
    team_page = reverse("volunteer-team", args=[service.team.pk])
    outsider = volunteer("erin", NodeFactory(parent=service.team.node.parent, code="HX-09"))
    assert "王爱丽" not in client_for(outsider).get(team_page).content.decode()
    proof = reverse("volunteer-service-proof", args=[service.alice.volunteer.pk])
    assert client_for(street_cadre).get(proof).status_code == 404
    assert client_for(cadre_a).get(proof).status_code == 200


def test_opening_the_pages_registers_nobody(client_for, service, street_cadre):
    """Reading is not joining: a cadre who opens the volunteer pages gets no profile; saving
    their skills (a step) registers them."""
    client = client_for(street_cadre)
    for name in ("volunteer-home", "volunteer-me", "volunteer-rewards"):
        assert client.get(reverse(name)).status_code == 200
    assert not VolunteerProfile.objects.filter(user=street_cadre).exists()
    client.post(reverse("volunteer-me"), {"skills": "摄影"})
    assert VolunteerProfile.objects.get(user=street_cadre).skills == "摄影"


def test_staff_see_teams_of_their_own_area_volunteers_their_street(client_for, service, small_tree):
    """A cadre or grid worker of 幸福 (B) does not open 红旗's (A) team, its members,
    activities or gifts; a volunteer living in B sees and may join what the street offers."""
    with at(T0):
        for staff in (cadre(small_tree.community_b), cadre(small_tree.grid_b)):
            client = client_for(staff)
            team = client.get(reverse("volunteer-team", args=[service.team.pk]))
            assert team.status_code == 404 and "李" not in team.content.decode()
            assert service.team.name not in client.get(reverse("volunteer-teams")).content.decode()
            assert (
                service.activity.title not in client.get(reverse("volunteer-home")).content.decode()
            )
            assert (
                service.reward.name not in client.get(reverse("volunteer-rewards")).content.decode()
            )
        neighbour = client_for(volunteer("neighbour", small_tree.community_b))
        assert neighbour.get(reverse("volunteer-team", args=[service.team.pk])).status_code == 200
        assert service.activity.title in neighbour.get(reverse("volunteer-home")).content.decode()


def test_the_activity_page_says_when_check_in_opens_and_when_sign_up_closed(client_for, service):
    """No box days early, and a right code too early is told when check-in opens; after the
    deadline the missing button has its reason."""
    activity = service.activity
    with at(T0):
        signups.sign_up(activity=activity, user=service.alice)
        page = client_for(service.alice).get(reverse("volunteer-activity", args=[activity.pk]))
        assert not page.context["can_check"]
        assert page.context["check_opens_at"] == activity.starts_at - timedelta(minutes=30)
        early = client_for(service.alice).post(
            reverse("volunteer-check", args=[activity.pk]),
            {"code": activity.checkin_code},
            follow=True,
        )
        assert [str(m) for m in early.context["messages"]] == [
            _("Check-in opens half an hour before the start.")
        ]
    with at(activity.signup_deadline + timedelta(minutes=1)):
        late = client_for(service.bob).get(reverse("volunteer-activity", args=[activity.pk]))
    assert not late.context["signup_open"]
    assert (
        _("Sign-up closed at %(time)s.")
        % {"time": date_format(timezone.localtime(activity.signup_deadline), "m-d H:i")}
        in late.content.decode()
    )
