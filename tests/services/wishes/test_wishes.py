"""Micro-wishes: post, review, claim, fulfil, confirm; the wall, reminders, scope, speed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from governance.models import Notification, PartnerUnit
from governance.workflow import TransitionError
from services.wishes import figures as wish_figures
from services.wishes import steps as wishes
from services.wishes.models import Wish, WishEventKind, WishStatus
from tests.services.images import not_an_image, photo
from tests.services.wishes.conftest import on_wall, post
from volunteers.models import EntryKind, LedgerEntry

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def form_data(world, **overrides):
    data = {
        "wish_for": "child",
        "category": "study",
        "text": "想要一套课外读物。",
        "community": world.tree.community_a.pk,
        "building": world.tree.buildings_a[0].pk,
        "poster_name": "李桂兰",
        "poster_mobile": "13900002222",
    }
    data.update(overrides)
    return data


def test_the_whole_life_of_a_wish(client, client_for, world, volunteer):
    response = client.post("/wishes/new/", form_data(world))
    wish = Wish.objects.get()
    assert response["Location"] == reverse("wish-posted", args=[wish.tracking_code])
    assert wish.status == WishStatus.POSTED
    assert not client.get("/wishes/").context["cards"]  # not on the wall before review

    staff = client_for(world.cadre_a)
    staff.post(reverse("wish-manage-step", args=[wish.pk, "approve"]), {})
    wish.refresh_from_db()
    assert wish.status == WishStatus.APPROVED

    claimer = Client()
    claimer.force_login(volunteer)
    claimer.post(reverse("wish-claim", args=[wish.pk]), {"show_name": "on"})
    claimer.post(reverse("wish-fulfil", args=[wish.pk]), {"note": "书已经送到家里"})
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED and wish.claimer == volunteer

    before = wish_figures.lit_this_year(Wish.objects.all())
    status = client.get(reverse("wish-status", args=[wish.tracking_code]))
    assert status.context["can_confirm"] and "书已经送到家里" in status.content.decode()
    assert client.get("/wishes/").context["lit_count"] == before  # not lit until confirmed
    client.post(reverse("wish-confirm", args=[wish.tracking_code]))
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert client.get("/wishes/").context["lit_count"] == before + 1
    award = LedgerEntry.objects.get(volunteer__user=volunteer)
    assert award.key == f"wish:{wish.pk}" and award.points == 10
    assert award.kind == EntryKind.EARNED_WISH and volunteer.volunteer.points_balance == 10
    assert [e.kind for e in wish.events.all()] == [
        WishEventKind.POSTED,
        WishEventKind.APPROVED,
        WishEventKind.CLAIMED,
        WishEventKind.FULFILLED,
        WishEventKind.CONFIRMED,
    ]


def test_the_counter_counts_wishes_lit_this_year(world, volunteer):
    with time_machine.travel(T0, tick=False):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
        wish = wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
        assert wish_figures.lit_this_year(Wish.objects.all()) == 0
        wishes.confirm_wish(wish=wish)
        assert wish_figures.lit_this_year(Wish.objects.all()) == 1
    with time_machine.travel(T0.replace(year=2027), tick=False):
        assert wish_figures.lit_this_year(Wish.objects.all()) == 0


def test_a_replayed_award_is_recorded_once(world, volunteer):
    wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    wish = wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
    wishes.confirm_wish(wish=wish)
    from volunteers.ledger import award_points

    _award, created = award_points(user=volunteer, points=10, reason="again", key=f"wish:{wish.pk}")
    assert not created and LedgerEntry.objects.count() == 1


def test_review_can_refuse_with_a_reason_only(world):
    wish = post(world)
    with pytest.raises(TransitionError):
        wishes.reject_wish(wish=wish, actor=world.cadre_a, reason=" ")
    wish = wishes.reject_wish(wish=wish, actor=world.cadre_a, reason="请通过社区直接申请救助")
    assert wish.status == WishStatus.REJECTED
    with pytest.raises(PermissionDenied):
        wishes.approve_wish(wish=post(world), actor=world.cadre_b)


def test_one_claimer_at_a_time(world, volunteer, neighbour):
    wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    with pytest.raises(TransitionError) as excinfo:
        wishes.claim_wish(wish=wish, actor=neighbour)
    assert wish.get_status_display() in excinfo.value.message
    with pytest.raises(PermissionDenied):
        wishes.fulfil_wish(wish=wish, actor=neighbour, note="not mine")
    wish = wishes.withdraw_claim(wish=wish, actor=volunteer)
    assert wish.status == WishStatus.APPROVED and wish.claimer is None
    assert wishes.claim_wish(wish=wish, actor=neighbour).claimer == neighbour


def test_claims_can_be_kept_for_party_members_or_a_place(world, volunteer, neighbour):
    members_only = wishes.approve_wish(
        wish=post(world), actor=world.cadre_a, party_members_only=True
    )
    with pytest.raises(TransitionError, match="党员|party members"):
        wishes.claim_wish(wish=members_only, actor=neighbour)
    wishes.claim_wish(wish=members_only, actor=volunteer)

    local = wishes.approve_wish(
        wish=post(world), actor=world.cadre_a, claim_within=world.tree.community_a
    )
    with pytest.raises(TransitionError):
        wishes.claim_wish(wish=local, actor=neighbour)


def test_a_partner_unit_claims_through_its_contact(world, volunteer, neighbour):
    unit = PartnerUnit.objects.create(name="区税务局第一党支部", node=world.tree.community_a)
    unit.contacts.add(volunteer)
    wish = on_wall(world)
    with pytest.raises(TransitionError):
        wishes.claim_wish(wish=wish, actor=neighbour, unit=unit)
    wish = wishes.claim_wish(wish=wish, actor=volunteer, unit=unit)
    wish = wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=volunteer, note="done"))
    assert wish.claimer_display == "区税务局第一党支部"
    assert not LedgerEntry.objects.exists()  # units do not earn volunteer points


def test_a_claim_not_fulfilled_in_time_is_reminded_then_released(world, volunteer):
    with time_machine.travel(T0, tick=False):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    assert wish.claim_due == T0 + timedelta(days=14)
    with time_machine.travel(T0 + timedelta(days=11), tick=False):
        assert wishes.scan()["claim_reminders"] == 0
    with time_machine.travel(T0 + timedelta(days=12, minutes=1), tick=False):
        assert wishes.scan()["claim_reminders"] == 1
        assert wishes.scan()["claim_reminders"] == 0
    with time_machine.travel(T0 + timedelta(days=14, minutes=1), tick=False):
        assert wishes.scan()["released"] == 1
        assert wishes.scan()["released"] == 0
    wish.refresh_from_db()
    assert wish.status == WishStatus.APPROVED and wish.claimer is None
    assert Notification.objects.filter(recipient=volunteer).count() == 2


def test_reviews_waiting_two_days_remind_the_community_once(world):
    with time_machine.travel(T0, tick=False):
        post(world)
    cadre_inbox = Notification.objects.filter(recipient=world.cadre_a)
    posted = cadre_inbox.count()
    with time_machine.travel(T0 + timedelta(days=2, minutes=1), tick=False):
        assert wishes.scan()["review_reminders"] == 1
        assert wishes.scan()["review_reminders"] == 0
    assert cadre_inbox.count() == posted + 1


def test_approved_wishes_unclaimed_for_14_days_are_flagged_once(client_for, world):
    with time_machine.travel(T0, tick=False):
        on_wall(world)
    with time_machine.travel(T0 + timedelta(days=14, minutes=1), tick=False):
        assert wishes.scan()["stale_flagged"] == 1
        assert wishes.scan()["stale_flagged"] == 0
    page = client_for(world.cadre_a).get(reverse("wish-manage"), {"stale": "1"})
    assert page.context["stale_count"] == 1 and len(page.context["page"].object_list) == 1


def test_unconfirmed_fulfilments_confirm_themselves_after_seven_days(world, volunteer):
    with time_machine.travel(T0, tick=False):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
        wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
    with time_machine.travel(T0 + timedelta(days=7, minutes=1), tick=False):
        assert wishes.scan()["auto_confirmed"] == 1
        assert wishes.scan()["auto_confirmed"] == 0
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert LedgerEntry.objects.filter(volunteer__user=volunteer).count() == 1


def test_the_wall_never_shows_phone_name_or_building(client, world, volunteer, neighbour):
    open_wish = on_wall(world, poster_name="欧阳建国", poster_mobile="13911112222")
    lit = wishes.claim_wish(
        wish=on_wall(world, poster_name="张秀英"), actor=volunteer, show_name=True
    )
    wishes.confirm_wish(wish=wishes.fulfil_wish(wish=lit, actor=volunteer, note="done"))
    anonymous = wishes.claim_wish(wish=on_wall(world), actor=neighbour)
    wishes.confirm_wish(wish=wishes.fulfil_wish(wish=anonymous, actor=neighbour, note="done"))
    claimed = wishes.claim_wish(wish=on_wall(world), actor=neighbour, show_name=True)
    for url in (
        "/wishes/",
        f"/wishes/?community={world.tree.community_a.pk}",
        reverse("wish-detail", args=[open_wish.pk]),
    ):
        body = client.get(url).content.decode()
        assert "13911112222" not in body and "1112222" not in body
        assert "欧阳建国" not in body and "张秀英" not in body
        assert world.tree.buildings_a[0].name not in body
    body = client.get("/wishes/").content.decode()
    assert "欧阳某" in body  # surname (compound ones too) + 某
    assert "陈海燕" in body  # agreed to be named
    assert "周卫国" not in body  # did not, and is not named before a wish is lit
    assert claimed.claimer_display == ""


def test_rankings_count_only_lit_wishes(world, volunteer, neighbour):
    for _ in range(2):
        wish = wishes.claim_wish(wish=on_wall(world), actor=neighbour)
        wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=neighbour, note="done"))
    wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer, show_name=True)
    wish = wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
    wishes.confirm_wish(wish=wish)
    waiting = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    wishes.fulfil_wish(wish=waiting, actor=volunteer, note="done")  # not confirmed: not lit
    withdrawn = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    wishes.withdraw_claim(wish=withdrawn, actor=volunteer)
    wishes.claim_wish(wish=on_wall(world), actor=volunteer)  # claimed, not fulfilled
    rows = wish_figures.rankings(Wish.objects.all(), year=wish.fulfilled_at.year)
    assert [(r["name"], r["lit"]) for r in rows] == [("周某", 2), ("陈海燕", 1)]


def test_per_community_figures(world, volunteer):
    with time_machine.travel(T0, tick=False):
        post(world)
        post(world, community=world.tree.community_b, building=world.tree.buildings_b[0])
        fast = on_wall(world)
        slow = on_wall(world)
        wishes.claim_wish(wish=fast, actor=volunteer)
        wishes.claim_wish(wish=slow, actor=volunteer)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        wishes.fulfil_wish(wish=fast, actor=volunteer, note="done")
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        wishes.fulfil_wish(wish=slow, actor=volunteer, note="done")
    rows = {r["community_id"]: r for r in wish_figures.community_figures(Wish.objects.all())}
    a, b = rows[world.tree.community_a.pk], rows[world.tree.community_b.pk]
    assert (a["posted"], a["approved"], a["claimed"], a["fulfilled"]) == (3, 2, 2, 2)
    assert a["median_days"] == 3
    assert (b["posted"], b["approved"], b["fulfilled"], b["median_days"]) == (1, 0, 0, None)


@pytest.mark.parametrize(
    "override, field",
    [
        ({"poster_mobile": "02788886666"}, "poster_mobile"),
        ({"text": "书"}, "text"),
        ({"text": "书" * 501}, "text"),
        ({"wish_for": "martian"}, "wish_for"),
        ({"building": "424242"}, "building"),
    ],
)
def test_bad_wishes_get_a_message_and_save_nothing(client, world, override, field):
    response = client.post("/wishes/new/", form_data(world, **override))
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not Wish.objects.exists()


def test_a_wish_photo_is_checked_and_kept_private(client, world):
    assert (
        client.post("/wishes/new/", {**form_data(world), "photo": [not_an_image()]}).status_code
        == 400
    )
    client.post("/wishes/new/", {**form_data(world), "photo": [photo()]})
    wish = Wish.objects.get()
    url = reverse("wish-photo", args=[wish.pk, "posted"])
    assert client.get(url).status_code == 200  # the poster's own browser
    assert Client().get(url).status_code == 404
    for cadre, status in ((world.cadre_b, 404), (world.cadre_a, 200)):
        staff = Client()
        staff.force_login(cadre)
        assert staff.get(url).status_code == status


@pytest.mark.usefixtures("frozen_clock")
def test_the_honeypot_and_the_rate_limit_guard_the_wish_form(client, world, settings):
    client.post("/wishes/new/", form_data(world, website="spam"))
    assert not Wish.objects.exists()
    settings.PUBLIC_FORM_RATE_PER_MOBILE = "1/h"
    client.post("/wishes/new/", form_data(world))
    assert client.post("/wishes/new/", form_data(world)).status_code == 429
    assert Wish.objects.count() == 1


def test_moderation_pages_are_scoped(client_for, world, volunteer):
    wish = post(world)
    detail = reverse("wish-manage-detail", args=[wish.pk])
    other = client_for(world.cadre_b)
    assert other.get(detail).status_code == 404
    assert wish.tracking_code not in other.get(reverse("wish-manage")).content.decode()
    assert other.post(reverse("wish-manage-step", args=[wish.pk, "approve"])).status_code == 404
    wish.refresh_from_db()
    assert wish.status == WishStatus.POSTED
    assert client_for(volunteer).get(reverse("wish-manage")).status_code == 403
    page = client_for(world.cadre_a).get(detail)
    assert page.status_code == 200 and "13700001234" in page.content.decode()
    street = client_for(world.street_cadre).get(detail)
    assert street.status_code == 200


def test_claim_pages_need_a_login_and_the_claimer(client, client_for, world, volunteer, neighbour):
    wish = on_wall(world)
    response = client.post(reverse("wish-claim", args=[wish.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client_for(volunteer).post(reverse("wish-claim", args=[wish.pk]), {})
    assert (
        client_for(neighbour)
        .post(reverse("wish-fulfil", args=[wish.pk]), {"note": "x"})
        .status_code
        == 404
    )
    assert client_for(neighbour).post(reverse("wish-withdraw", args=[wish.pk])).status_code == 404
    # A second claimer gets a message, not an error page.
    response = client_for(neighbour).post(reverse("wish-claim", args=[wish.pk]), {}, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


def grow(world, volunteer, n):
    for i in range(n):
        wish = on_wall(world, text=f"第{i}个心愿：想要一本书")
        if i % 2:
            wish = wishes.claim_wish(wish=wish, actor=volunteer, show_name=bool(i % 3))
            wish = wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
            if i % 4 == 1:  # some lit: the wall then runs its rankings and names
                wishes.confirm_wish(wish=wish)
        post(world, text=f"待审核心愿{i}")


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize(
    "url, who", [("/wishes/", None), ("/wishes/manage/", "cadre_a"), ("/wishes/mine/", "volunteer")]
)
def test_wall_and_list_query_counts_do_not_grow(
    client, world, volunteer, n, url, who, django_assert_max_num_queries
):
    grow(world, volunteer, n)
    if who:
        client.force_login(volunteer if who == "volunteer" else getattr(world, who))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_a_partner_unit_contact_may_claim_a_wish_kept_for_party_members(
    client_for, world, neighbour
):
    unit = PartnerUnit.objects.create(name="区税务局第一党支部", node=world.tree.community_a)
    unit.contacts.add(neighbour)  # not a party member
    wish = wishes.approve_wish(wish=post(world), actor=world.cadre_a, party_members_only=True)
    page = client_for(neighbour).get(reverse("wish-detail", args=[wish.pk]))
    form = page.context["claim_form"]
    assert form is not None and form.fields["unit"].required
    client_for(neighbour).post(reverse("wish-claim", args=[wish.pk]), {"unit": unit.pk})
    wish.refresh_from_db()
    assert wish.claimer == neighbour and wish.claimer_unit == unit


def test_a_unit_ranks_once_and_names_need_consent_every_time(world, volunteer, neighbour):
    unit = PartnerUnit.objects.create(name="区税务局第一党支部", node=world.tree.community_a)
    unit.contacts.add(volunteer, neighbour)
    for contact in (volunteer, neighbour):
        wish = wishes.claim_wish(wish=on_wall(world), actor=contact, unit=unit)
        wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=contact, note="done"))
    for show in (True, False):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer, show_name=show)
        wish = wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=volunteer, note="x"))
    rows = wish_figures.rankings(Wish.objects.all(), year=wish.fulfilled_at.year)
    assert [(r["name"], r["lit"]) for r in rows] == [("区税务局第一党支部", 2), ("陈某", 2)]


def test_a_wish_is_counted_in_the_year_it_was_confirmed(world, volunteer):
    with time_machine.travel(
        datetime(2025, 12, 31, 20, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
        wish = wishes.fulfil_wish(wish=wish, actor=volunteer, note="done")
    with time_machine.travel(datetime(2026, 1, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        wishes.confirm_wish(wish=wish)
        assert wish_figures.lit_this_year(Wish.objects.all()) == 1


def test_a_late_scan_releases_without_a_reminder_after_the_deadline(world, volunteer):
    with time_machine.travel(T0, tick=False):
        wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    with time_machine.travel(T0 + timedelta(days=15), tick=False):  # beat was down
        result = wishes.scan()
    assert result["claim_reminders"] == 0 and result["released"] == 1
    wish.refresh_from_db()
    assert wish.open_since == T0 + timedelta(days=15) and wish.stale_flagged_at is None
    with time_machine.travel(T0 + timedelta(days=16), tick=False):
        assert wishes.scan()["stale_flagged"] == 0  # its 14 days start again from the release


def test_a_reminder_that_fails_is_retried_next_scan(world, monkeypatch):
    with time_machine.travel(T0, tick=False):
        first, second = post(world), post(world, text="第二个心愿：想要台灯")
    calls = []

    def flaky_notify(recipients, **kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 1:
            raise RuntimeError("the inbox is down")

    monkeypatch.setattr(wishes, "notify", flaky_notify)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        with pytest.raises(RuntimeError):
            wishes.scan()
        assert wishes.scan()["review_reminders"] == 2
        assert wishes.scan()["review_reminders"] == 0
    assert Wish.objects.filter(review_reminded_at__isnull=False).count() == 2
    assert {first.pk, second.pk} == set(Wish.objects.values_list("pk", flat=True))


def test_a_grid_worker_cannot_fetch_a_wish_photo(client, world):
    client.post("/wishes/new/", {**form_data(world), "photo": [photo()]})
    wish = Wish.objects.get()
    worker = Client()
    worker.force_login(world.worker_a)
    assert worker.get(reverse("wish-photo", args=[wish.pk, "posted"])).status_code == 404
