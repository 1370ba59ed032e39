"""Redeeming a gift (#17.17): a confirm step with the points left after, then a pickup code
with the station, its address and hours; the volunteer may cancel until hand-over (points
back by a new ledger entry), staff hand over by the code within their own area, and a
second tap of the same confirm page reserves nothing more."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import cadre
from tests.volunteers.conftest import make_station, volunteer
from volunteers import ledger, rewards
from volunteers.models import EntryKind, LedgerEntry, Redemption, RedemptionStatus, Reward

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def give(user, points, key="w:1"):
    ledger.award_points(user=user, points=points, reason="心愿", key=key)


def confirm_page(client, reward):
    return client.get(reverse("volunteer-redeem", args=[reward.pk]))


def test_the_confirm_step_says_what_is_left_and_where_to_collect_it(service):
    give(service.alice, 50)
    alice = client_for(service.alice)
    page = confirm_page(alice, service.reward)
    shown = page.content.decode()
    assert page.status_code == 200 and page.context["after"] == 30
    assert "30" in shown and service.station.name in shown and service.station.address in shown
    assert "09:00–17:00" in shown  # the station's hours
    assert not Redemption.objects.exists()  # reading reserves nothing

    poor = client_for(service.bob)
    page = confirm_page(poor, service.reward)
    assert not page.context["can_redeem"] and page.context["missing"] == 20
    assert f'action="{reverse("volunteer-redeem", args=[service.reward.pk])}"' not in (
        page.content.decode()
    )


def test_redeeming_gives_a_pickup_code_and_a_second_tap_reserves_nothing(service):
    give(service.alice, 50)
    alice = client_for(service.alice)
    key = confirm_page(alice, service.reward).context["form"]["key"].value()
    redeem = reverse("volunteer-redeem", args=[service.reward.pk])
    first = alice.post(redeem, {"key": key}, follow=True)
    again = alice.post(redeem, {"key": key}, follow=True)

    redemption = Redemption.objects.get()
    assert first.redirect_chain[-1][0] == reverse("volunteer-redemption", args=[redemption.pk])
    assert again.redirect_chain[-1][0] == first.redirect_chain[-1][0]
    shown = first.content.decode()
    assert redemption.pickup_code in shown and service.station.address in shown
    assert len(redemption.pickup_code) == 8
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEMED).count() == 1
    assert Reward.objects.get(pk=service.reward.pk).stock == 4
    service.alice.volunteer.refresh_from_db()
    assert service.alice.volunteer.points_balance == 30
    # A new confirm page is a new redemption.
    key2 = confirm_page(alice, service.reward).context["form"]["key"].value()
    assert key2 != key
    alice.post(redeem, {"key": key2})
    assert Redemption.objects.count() == 2


def test_the_volunteer_cancels_before_hand_over_and_the_points_come_back(service):
    give(service.alice, 50)
    redemption = rewards.redeem(reward=service.reward, user=service.alice, key="k1")
    spent = LedgerEntry.objects.get(kind=EntryKind.REDEEMED)
    alice = client_for(service.alice)
    cancel = reverse("volunteer-redemption-cancel", args=[redemption.pk])

    assert client_for(service.bob).post(cancel).status_code == 404  # not bob's
    page = alice.post(cancel, follow=True)
    assert messages_of(page)
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.CANCELLED
    refund = LedgerEntry.objects.get(kind=EntryKind.REFUNDED)
    assert (refund.points, refund.balance_after, refund.actor) == (20, 50, service.alice)
    # The redeeming entry is as it was: the ledger gained a line, none changed.
    assert LedgerEntry.objects.get(pk=spent.pk).points == -20
    assert Reward.objects.get(pk=service.reward.pk).stock == 5

    twice = alice.post(cancel, follow=True)
    assert messages_of(twice) and LedgerEntry.objects.filter(kind=EntryKind.REFUNDED).count() == 1
    assert not twice.context["can_cancel"]


def test_staff_hand_over_by_pickup_code_in_their_own_area_only(service, cadre_a, cadre_b):
    give(service.alice, 50)
    redemption = rewards.redeem(reward=service.reward, user=service.alice, key="k1")
    handover = reverse("volunteer-handover")
    code = redemption.pickup_code

    other = client_for(cadre_b)  # 幸福社区: the code is unknown there
    looked = other.get(handover, {"code": code})
    assert looked.context["found"] is None and messages_of(looked)
    assert service.reward.name not in looked.content.decode()
    other.post(handover, {"code": code})
    assert client_for(service.bob).get(handover).status_code == 403  # volunteers do not
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.RESERVED

    staff = client_for(cadre_a)
    looked = staff.get(handover, {"code": f" {code.lower()} "})  # as typed at the counter
    assert looked.context["found"] == redemption
    assert "王爱丽" in looked.content.decode()  # the community reads the full name
    staff.post(handover, {"code": code})
    redemption.refresh_from_db()
    assert (redemption.status, redemption.closed_by) == (RedemptionStatus.HANDED_OVER, cadre_a)

    # Handed over: no second hand-over, and the volunteer can no longer cancel.
    assert staff.get(handover, {"code": code}).context["found"] is None
    late = client_for(service.alice).post(
        reverse("volunteer-redemption-cancel", args=[redemption.pk]), follow=True
    )
    assert messages_of(late) and not LedgerEntry.objects.filter(kind=EntryKind.REFUNDED).exists()


def test_a_redemption_page_is_its_volunteers_only(service, cadre_a):
    give(service.alice, 50)
    redemption = rewards.redeem(reward=service.reward, user=service.alice)
    page = reverse("volunteer-redemption", args=[redemption.pk])
    assert client_for(service.alice).get(page).status_code == 200
    for outsider in (service.bob, cadre_a):
        response = client_for(outsider).get(page)
        assert response.status_code == 404 and redemption.pickup_code not in str(response.content)


def test_outside_the_street_gifts_are_not_found(service, small_tree):
    from tests.factories import NodeFactory

    other_street = NodeFactory(parent=None, code="DF", name="东风街道党工委")
    stranger = volunteer("stranger", NodeFactory(parent=other_street, code="DF-01"))
    response = confirm_page(client_for(stranger), service.reward)
    assert response.status_code == 404 and service.station.name not in str(response.content)


@pytest.mark.parametrize("n", [1, 6])
def test_gift_pages_query_counts_do_not_grow(service, cadre_a, n, django_assert_max_num_queries):
    give(service.alice, 1000)
    for i in range(n):
        station = make_station(service.team.node, code=f"S{i}", name=f"驿站{i}")
        gift = Reward.objects.create(
            node=service.team.node, name=f"礼品{i}", points_cost=5, stock=3, pickup_station=station
        )
        rewards.redeem(reward=gift, user=service.alice)
    last = rewards.redeem(reward=service.reward, user=service.alice)
    alice = client_for(service.alice)
    for url in (
        reverse("volunteer-rewards"),
        reverse("volunteer-redeem", args=[service.reward.pk]),
        reverse("volunteer-redemption", args=[last.pk]),
        reverse("volunteer-me"),
    ):
        with django_assert_max_num_queries(22):
            assert alice.get(url).status_code == 200
    staff = client_for(cadre_a)
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("volunteer-handover"), {"code": last.pickup_code}).context["found"]


def test_the_admin_offers_stations_of_the_cadres_area_and_requires_one(service, small_tree):
    from tests.volunteers.test_admin import reward_form, url

    cadre_a = cadre(small_tree.community_a, "cadre_a2")
    theirs = make_station(small_tree.community_b, code="HQB1", name="幸福社区驿站")
    client = client_for(cadre_a)
    page = client.get(url("reward", "add"))
    offered = set(page.context["adminform"].form.fields["pickup_station"].queryset)
    assert service.station in offered and theirs not in offered
    missing = client.post(
        url("reward", "add"), reward_form(small_tree.community_a, pickup_station="")
    )
    assert missing.status_code == 200 and not Reward.objects.filter(name="保温杯").exists()
    outside = client.post(
        url("reward", "add"), reward_form(small_tree.community_a, pickup_station=theirs.pk)
    )
    assert outside.status_code == 200 and not Reward.objects.filter(name="保温杯").exists()


def test_guessing_pickup_codes_is_rate_limited(service, cadre_a):
    give(service.alice, 50)
    redemption = rewards.redeem(reward=service.reward, user=service.alice)
    staff = client_for(cadre_a)
    handover = reverse("volunteer-handover")
    for guess in range(20):
        staff.get(handover, {"code": f"ZZZZZZ{guess:02d}"})
    limited = staff.get(handover, {"code": redemption.pickup_code})
    assert limited.context["found"] is None and messages_of(limited)
