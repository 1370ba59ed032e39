"""The figures on a hand-made set of whistles with known answers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from services.whistles import dispatch, rating
from services.whistles.figures import whistle_figures
from services.whistles.models import Rating, Whistle

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MARCH = datetime(2026, 3, 1, tzinfo=TZ)
APRIL = datetime(2026, 4, 1, tzinfo=TZ)


def at(day, hour=9):
    return time_machine.travel(datetime(2026, 3, day, hour, tzinfo=TZ), tick=False)


def resolved(world, day, hours_to_resolve, *, dispatch_after=1):
    with at(day):
        w = world.submit()
    with time_machine.travel(w.created_at + timedelta(hours=dispatch_after), tick=False):
        w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
        w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
        w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    with time_machine.travel(w.created_at + timedelta(hours=hours_to_resolve), tick=False):
        return dispatch.resolve_whistle(whistle=w, actor=world.handler, note="done")


def test_figures_on_a_known_set(world):
    a = resolved(world, 2, 10)  # responded in time
    b = resolved(world, 3, 20, dispatch_after=30)  # responded late (24 h allowed)
    c = resolved(world, 4, 40)
    with at(10):
        rating.rate_whistle(whistle=a, rating=Rating.VERY_SATISFIED)
        rating.rate_whistle(whistle=b, rating=Rating.FAIRLY_SATISFIED)
        rating.rate_whistle(whistle=c, rating=Rating.DISSATISFIED, fixed=False)  # re-opened
    with at(5):
        rejected = world.submit()
        dispatch.reject_whistle(whistle=rejected, actor=world.cadre_a, reason="不属实")
    with at(20):
        world.submit()  # still waiting, overdue by April
    with at(31, 23):
        world.submit()  # the last hour of March: counted
    with time_machine.travel(APRIL, tick=False):
        world.submit()  # the first instant of April: not counted

    with time_machine.travel(APRIL + timedelta(days=2), tick=False):
        figures = whistle_figures(Whistle.objects.all(), start=MARCH, end=APRIL)

    assert figures.received == 6
    assert figures.rejected == 1
    assert figures.responded_on_time == 3  # a, c and the rejection
    assert figures.response_rate == 3 / 6
    # Of those accepted and due — a, b, c (re-opened) and the 20th's (past its 7 days); the
    # 31st's resolution is not due until 7 April — a and b were resolved first time.
    assert (figures.resolution_due, figures.resolution_rate) == (4, 2 / 4)
    assert figures.response_due == 6
    assert figures.satisfaction_rate == 2 / 3
    assert figures.median_time_to_resolve == timedelta(hours=15)  # a 10 h, b 20 h; c re-opened
    # Open and past their deadline on 3 April: c (re-opened), the 20th, the 31st, 1 April's.
    assert figures.overdue_now == 4


def test_a_node_with_no_data_has_no_rates(world):
    figures = whistle_figures(
        Whistle.objects.filter(community=world.tree.community_b), start=MARCH, end=APRIL
    )
    assert figures.received == 0
    assert figures.response_rate is None and figures.satisfaction_rate is None
    assert figures.median_time_to_resolve is None
