"""On PostgreSQL, many volunteers at once, each thread on its own connection, released together
by a barrier: a full activity never overfills, a balance or a stock never goes below zero, and
a replayed award counts once. Plus the tamper check of `check_ledger`, on any database."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from governance.models import User
from tests.factories import UserFactory
from tests.threads import together
from tests.volunteers.conftest import make_activity, volunteer
from volunteers import ledger, rewards, signups
from volunteers.models import (
    EntryKind,
    LedgerEntry,
    Redemption,
    Reward,
    SignUp,
    SignUpStatus,
    VolunteerProfile,
)


def _as(user_pk, workflow, **kwargs):
    # Each thread loads its own user: instances are not shared between connections.
    return lambda: workflow(user=User.objects.get(pk=user_pk), **kwargs)


def _profile(user):
    return VolunteerProfile.objects.get(user=user)


def _sign_up_twelve_for_five_places(service, community):
    activity = make_activity(service.team, starts_at=timezone.now() + timedelta(days=2), capacity=5)
    people = [volunteer(f"v{i:02}", community) for i in range(12)]
    outcomes = together([_as(p.pk, signups.sign_up, activity=activity) for p in people])
    assert all(isinstance(outcome, SignUp) for outcome in outcomes), outcomes
    return activity


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_sign_ups_at_once_fill_five_places_and_queue_the_rest(
    requires_postgres, service, small_tree
):
    activity = _sign_up_twelve_for_five_places(service, small_tree.community_a)

    # Rows are written one at a time under the activity's lock, so pk order is arrival order.
    arrived = list(activity.signups.order_by("pk"))
    placed, waiting = SignUpStatus.REGISTERED, SignUpStatus.WAITLISTED
    assert [s.status for s in arrived] == [placed] * 5 + [waiting] * 7
    line = list(activity.signups.filter(status=SignUpStatus.WAITLISTED))  # queued_at, pk

    signups.cancel(signup=arrived[0])

    statuses = dict(activity.signups.values_list("pk", "status"))
    assert statuses[line[0].pk] == placed  # the head of the line, only
    assert [statuses[s.pk] for s in line[1:]] == [waiting] * 6
    assert list(statuses.values()).count(placed) == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_waiting_list_keeps_the_order_of_arrival(requires_postgres, service, small_tree):
    activity = _sign_up_twelve_for_five_places(service, small_tree.community_a)

    by_arrival = list(activity.signups.order_by("pk").values_list("pk", flat=True))
    by_queued_at = list(activity.signups.order_by("queued_at", "pk").values_list("pk", flat=True))
    assert by_queued_at == by_arrival


def _give(user, points, key):
    ledger.award_points(user=user, points=points, reason="心愿", key=key)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_redemptions_at_once_spend_a_balance_once(requires_postgres, service):
    # Two gifts of 20 points: the gift's lock alone would not serialise them, the profile's must.
    gifts = [
        service.reward,
        Reward.objects.create(node=service.reward.node, name="雨伞", points_cost=20, stock=25),
    ]
    Reward.objects.filter(pk=service.reward.pk).update(stock=25)
    _give(service.alice, 20, "w:enough-for-one")

    outcomes = together([_as(service.alice.pk, rewards.redeem, reward=gift) for gift in gifts] * 10)

    won = [o for o in outcomes if not isinstance(o, ValidationError)]
    refused = [o for o in outcomes if isinstance(o, ledger.InsufficientPoints)]
    assert (len(won), len(refused)) == (1, 19)
    assert _profile(service.alice).points_balance == 0
    assert _profile(service.alice).ledger.filter(kind=EntryKind.REDEEMED).count() == 1
    assert Redemption.objects.count() == 1  # the refused left nothing behind
    stocks = Reward.objects.filter(pk__in=[g.pk for g in gifts]).values_list("stock", flat=True)
    assert sorted(stocks) == [24, 25]  # only the gift redeemed lost one
    call_command("check_ledger")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_volunteers_at_once_take_a_stock_of_three(requires_postgres, service, small_tree):
    reward = service.reward
    Reward.objects.filter(pk=reward.pk).update(stock=3)
    people = [volunteer(f"v{i}", small_tree.community_a) for i in range(8)]
    for person in people:
        _give(person, 100, f"w:{person.pk}")

    outcomes = together([_as(p.pk, rewards.redeem, reward=reward) for p in people])

    won = [o for o in outcomes if not isinstance(o, ValidationError)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(won), len(refused)) == (3, 5)
    assert not any(isinstance(o, ledger.InsufficientPoints) for o in refused)  # out of stock
    reward.refresh_from_db()
    assert reward.stock == 0  # never below: the database's check would have raised in a thread
    assert Redemption.objects.filter(reward=reward).count() == 3
    spent = LedgerEntry.objects.filter(kind=EntryKind.REDEEMED)
    assert sorted(spent.values_list("volunteer__user", flat=True)) == sorted(
        r.volunteer.user_id for r in won
    )
    call_command("check_ledger")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("has_profile", [True, False], ids=["volunteer", "first-time"])
def test_an_award_replayed_at_once_counts_once(requires_postgres, small_tree, has_profile):
    # A first-time helper (say, a micro-wish fulfiller) gets the profile on the same race.
    make = volunteer if has_profile else lambda name, node: UserFactory(username=name, node=node)
    helper = make("helper", small_tree.community_a)

    award = ledger.award_points
    outcomes = together(
        [_as(helper.pk, award, points=15, reason="微心愿", key="wish:7:fulfilled")] * 10
    )

    assert [created for _, created in outcomes].count(True) == 1
    assert len({entry.pk for entry, _ in outcomes}) == 1
    assert LedgerEntry.objects.filter(key="wish:7:fulfilled").count() == 1
    assert _profile(helper).points_balance == 15
    call_command("check_ledger")


@pytest.mark.django_db
def test_check_ledger_fails_when_a_cached_balance_is_tampered_with(service):
    _give(service.alice, 30, "w:1")
    call_command("check_ledger")
    VolunteerProfile.objects.filter(user=service.alice).update(points_balance=300)

    with pytest.raises(CommandError):
        call_command("check_ledger")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_volunteers_redeeming_the_last_gift_at_once_get_one(requires_postgres, service):
    Reward.objects.filter(pk=service.reward.pk).update(stock=1)
    for person in (service.alice, service.bob):
        _give(person, 20, f"w:{person.pk}")

    outcomes = together(
        [_as(p.pk, rewards.redeem, reward=service.reward) for p in (service.alice, service.bob)]
    )

    won = [o for o in outcomes if isinstance(o, Redemption)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(won), len(refused)) == (1, 1)
    assert service.reward.name in refused[0].messages[0]  # "“环保购物袋” is out of stock."
    assert Reward.objects.get(pk=service.reward.pk).stock == 0
    loser = service.bob if won[0].volunteer.user_id == service.alice.pk else service.alice
    assert _profile(loser).points_balance == 20 and not _profile(loser).ledger.filter(
        kind=EntryKind.REDEEMED
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_the_confirm_page_reserves_once(requires_postgres, service):
    _give(service.alice, 100, "w:plenty")

    outcomes = together(
        [_as(service.alice.pk, rewards.redeem, reward=service.reward, key="same-page")] * 2
    )

    assert all(isinstance(o, Redemption) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Redemption.objects.count() == 1
    assert _profile(service.alice).points_balance == 80
    assert Reward.objects.get(pk=service.reward.pk).stock == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancel_and_hand_over_at_once_do_one_of_them(requires_postgres, service, small_tree):
    from tests.factories import cadre

    staff = cadre(small_tree.community_a, "cadre_here")
    _give(service.alice, 20, "w:one")
    redemption = rewards.redeem(reward=service.reward, user=service.alice)

    def by(user_pk, step):
        def call():
            actor = User.objects.get(pk=user_pk)
            return step(redemption=Redemption.objects.get(pk=redemption.pk), actor=actor)

        return call

    outcomes = together([by(service.alice.pk, rewards.cancel), by(staff.pk, rewards.hand_over)])

    assert sum(isinstance(o, Redemption) for o in outcomes) == 1
    redemption.refresh_from_db()
    refunds = _profile(service.alice).ledger.filter(kind=EntryKind.REFUNDED).count()
    if redemption.status == "cancelled":
        assert refunds == 1 and _profile(service.alice).points_balance == 20
    else:
        assert refunds == 0 and _profile(service.alice).points_balance == 0
