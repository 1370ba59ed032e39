"""The resident's report POST does only what saving it needs: the form validated once, no
query to find an unused code (the unique index catches a clash, and another code is tried),
a flat number of queries (#19.4)."""

import pytest
from django.db import IntegrityError

from governance import public
from services.whistles import intake
from services.whistles.models import Whistle
from tests.services.whistles.test_public_pages import REPORT, form_data

pytestmark = pytest.mark.django_db


def test_a_report_post_makes_a_flat_number_of_queries(client, world, django_assert_max_num_queries):
    for data in (form_data(world), form_data(world, as_new="", building="", address="3号楼东侧")):
        client.cookies.clear()
        # Kind, community and building looked up once; the similar reports (without as_new);
        # the whistle, its audit entry, reminders and event; the resident's session.
        with django_assert_max_num_queries(15):
            response = client.post(REPORT, data)
        assert response.status_code == 302
    assert Whistle.objects.count() == 2


def test_a_clash_of_codes_is_caught_by_the_index_and_another_code_used(world, monkeypatch):
    taken = intake.submit_whistle(
        category=world.general,
        description="路灯不亮了。",
        community=world.tree.community_a,
        address="3号楼",
        reporter_name="王秀英",
        reporter_mobile="13612345678",
        contact_consent=False,
    ).tracking_code
    codes = iter([taken, "NEWCODE234"])
    monkeypatch.setattr(intake, "random_tracking_code", lambda: next(codes))
    whistle = intake.submit_whistle(
        category=world.general,
        description="又一盏路灯不亮了。",
        community=world.tree.community_a,
        address="5号楼",
        reporter_name="李桂兰",
        reporter_mobile="13900002222",
        contact_consent=False,
    )
    assert whistle.tracking_code == "NEWCODE234"
    assert Whistle.objects.filter(tracking_code=taken).count() == 1
    assert whistle.events.count() == 1 and whistle.reminders.count() == 6


def test_other_integrity_errors_are_not_retried(world, monkeypatch):
    calls = []

    def failing(code, **fields):
        calls.append(code)
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(intake, "_save_whistle", failing)
    with pytest.raises(IntegrityError):
        intake.submit_whistle(
            category=world.general,
            description="路灯不亮了。",
            community=world.tree.community_a,
            address="3号楼",
            reporter_name="王秀英",
            reporter_mobile="13612345678",
            contact_consent=False,
        )
    assert len(calls) == 1
    assert len(public.random_tracking_code()) == 10
