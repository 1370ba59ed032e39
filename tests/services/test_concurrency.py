"""On PostgreSQL, several processes at once: concurrent scans send each reminder once, and two
cadres pressing "accept" together give one acceptance."""

import multiprocessing
from datetime import timedelta

import pytest
import time_machine
from django.db import connections

from governance.workflow import TransitionError
from services.whistles import dispatch, sla
from services.whistles.models import EventKind, WhistleEvent, WhistleReminder

PROCESSES = 4


def _scan(at):
    connections.close_all()
    with time_machine.travel(at, tick=False):
        sent = sla.fire_due_reminders()
    connections.close_all()
    return sent


def _accept(args):
    whistle_id, user_id = args
    connections.close_all()
    from governance.models import User
    from services.whistles.models import Whistle

    try:
        dispatch.accept_whistle(
            whistle=Whistle.objects.get(pk=whistle_id), actor=User.objects.get(pk=user_id)
        )
        return "accepted"
    except TransitionError:
        return "refused"
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_send_each_reminder_once(requires_postgres, world):
    whistles = [world.submit(category=world.danger) for _ in range(12)]
    later = whistles[-1].created_at + timedelta(minutes=55)  # past 50 % and 80 % of dispatch
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        sent = sum(pool.map(_scan, [later] * PROCESSES))
    # Each whistle: the 80 % reminder; the 50 % one, due too, is superseded by it.
    assert sent == 12
    assert WhistleEvent.objects.filter(kind=EventKind.REMINDED).count() == 12
    assert not WhistleReminder.objects.filter(fire_at__lte=later, done_at__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_cadres_accepting_at_once_give_one_acceptance(requires_postgres, world):
    whistle = world.submit()
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(
            _accept, [(whistle.pk, world.cadre_a.pk), (whistle.pk, world.street_cadre.pk)] * 2
        )
    assert sorted(results) == ["accepted", "refused", "refused", "refused"]
    assert whistle.events.filter(kind=EventKind.ACCEPTED).count() == 1


def _claim(args):
    wish_id, user_id = args
    connections.close_all()
    from governance.models import User
    from services.wishes import steps as wishes
    from services.wishes.models import Wish

    try:
        wishes.claim_wish(wish=Wish.objects.get(pk=wish_id), actor=User.objects.get(pk=user_id))
        return "claimed"
    except TransitionError as error:
        return str(error.message)
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_people_claiming_a_wish_at_once_give_one_winner_and_a_message(requires_postgres, world):
    from services.wishes import steps as wishes
    from services.wishes.models import WishCategory, WishFor, WishStatus
    from tests.factories import UserFactory

    wish = wishes.post_wish(
        wish_for=WishFor.CHILD,
        category=WishCategory.STUDY,
        text="想要一个书包",
        community=world.tree.community_a,
        poster_name="张三",
        poster_mobile="13700001234",
    )
    wish = wishes.approve_wish(wish=wish, actor=world.cadre_a)
    claimers = [UserFactory(username=f"claimer{i}", role="volunteer").pk for i in range(PROCESSES)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(_claim, [(wish.pk, user) for user in claimers])
    assert results.count("claimed") == 1
    losers = [r for r in results if r != "claimed"]
    assert len(losers) == PROCESSES - 1 and all(str(WishStatus.CLAIMED.label) in r for r in losers)
    wish.refresh_from_db()
    assert wish.claimer_id in claimers and wish.events.filter(kind="claimed").count() == 1
