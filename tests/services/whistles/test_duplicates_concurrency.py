"""On PostgreSQL, a merge and voices added at the same moment, each thread on its own
connection, released together: no supporter is lost and none is counted twice."""

import pytest

from governance.models import User
from services.whistles import duplicates
from services.whistles.models import Status, Supporter, Whistle
from tests.threads import together


def _support(pk, mobile):
    return lambda: duplicates.support_whistle(whistle=Whistle.objects.get(pk=pk), mobile=mobile)


def _merge(pk, into_pk, actor_pk):
    return lambda: duplicates.merge_whistle(
        whistle=Whistle.objects.get(pk=pk),
        into=Whistle.objects.get(pk=into_pk),
        actor=User.objects.get(pk=actor_pk),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_merging_while_residents_add_their_voice(requires_postgres, world, round_):
    survivor = world.submit()
    duplicate = world.submit(reporter_mobile="13612345678")
    duplicates.support_whistle(whistle=duplicate, mobile="13700000000")
    calls = [_merge(duplicate.pk, survivor.pk, world.cadre_a.pk)]
    # The same mobiles on both whistles at once, and new ones on the merged one.
    for i in range(1, 6):
        calls.append(_support(duplicate.pk, f"1370000000{i}"))
        calls.append(_support(survivor.pk, f"1370000000{i}"))
    calls.append(_support(survivor.pk, "13700000000"))
    together(calls)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into_id == survivor.pk
    mobiles = list(Supporter.objects.values_list("whistle_id", "mobile"))
    expected = {"13612345678", "13700000000", *(f"1370000000{i}" for i in range(1, 6))}
    assert sorted(mobiles) == sorted((survivor.pk, m) for m in expected)  # none lost or doubled


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_cadres_merging_each_way_at_once_leave_one_survivor(requires_postgres, world):
    a, b = world.submit(), world.submit(reporter_mobile="13612345678")
    outcomes = []

    def attempt(pk, into_pk):
        def call():
            try:
                return _merge(pk, into_pk, world.cadre_a.pk)()
            except Exception as error:  # the second merge is refused: the other is closed
                outcomes.append(type(error).__name__)
                return error

        return call

    together([attempt(a.pk, b.pk), attempt(b.pk, a.pk)])
    assert outcomes == ["TransitionError"]
    merged = Whistle.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    survivor = Whistle.objects.get(merged_into__isnull=True)
    assert survivor.status == Status.SUBMITTED
