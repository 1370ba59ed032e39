"""Care ledger, visits and the grid worker's household pages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from governance.models import Notification, Role
from grids import care
from grids.models import CareRecord, Household, Resident, Visit
from services.whistles.models import Category, Whistle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 4, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def homes(small_tree):
    made = []
    for building in (small_tree.buildings_a[0], small_tree.buildings_b[0]):
        household = Household.objects.create(building=building, unit="1", room="101", size=1)
        Resident.objects.create(household=household, name="张建国", mobile="13912340001")
        made.append(household)
    return made


@pytest.fixture
def worker_a(small_tree):
    return UserFactory(
        username="gwa",
        role=Role.GRID_WORKER,
        node=small_tree.grid_a,
        full_name="网格员甲",
        mobile="13800000001",
    )


def test_search_by_initials_and_scope(client_for, homes, worker_a):
    client = client_for(worker_a)
    results = client.get(reverse("grids-household-search"), {"q": "zjg"}).context["results"]
    assert [r["household"] for r in results] == [homes[0]]
    assert client.get(reverse("grids-household", args=[homes[1].pk])).status_code == 404
    assert client.post(reverse("grids-visit", args=[homes[1].pk]), {"seen": "x"}).status_code == 404


def test_a_visit_can_raise_a_whistle_and_restarts_the_care_clock(
    client_for, homes, worker_a, cadre_a
):
    resident = homes[0].residents.get()
    with time_machine.travel(T0, tick=False):
        record = care.open_care_record(
            resident=resident,
            needs="行动不便",
            plan="每周上门",
            helper=worker_a,
            visit_every_days=7,
            actor=cadre_a,
        )
    category = Category.objects.first() or Category.objects.create(
        name="其他", dispatch_within=timedelta(hours=24), resolve_within=timedelta(days=7)
    )
    client = client_for(worker_a)
    response = client.post(
        reverse("grids-visit", args=[homes[0].pk]),
        {"seen": "老人精神不错", "problem_category": category.pk},
    )
    assert response.status_code == 400 and not Visit.objects.exists()  # kind without words
    client.post(
        reverse("grids-visit", args=[homes[0].pk]),
        {"seen": "老人精神不错", "problem_category": category.pk, "problem": "楼道灯坏了"},
    )
    visit = Visit.objects.get()
    whistle = Whistle.objects.get()
    assert visit.whistle == whistle and whistle.building == homes[0].building
    assert whistle.source == "visit"
    record.refresh_from_db()
    assert record.next_visit_due == visit.at + timedelta(days=7)


def test_care_reminders_and_overdue_flags_are_sent_once(homes, worker_a, cadre_a):
    with time_machine.travel(T0, tick=False):
        care.open_care_record(
            resident=homes[0].residents.get(),
            needs="n",
            plan="p",
            helper=worker_a,
            visit_every_days=7,
            actor=cadre_a,
        )
    with time_machine.travel(T0 + timedelta(days=6, hours=1), tick=False):
        assert care.scan() == {"reminded": 1, "flagged": 0}
        assert care.scan() == {"reminded": 0, "flagged": 0}
    with time_machine.travel(T0 + timedelta(days=7, hours=1), tick=False):
        assert care.scan() == {"reminded": 0, "flagged": 1}
        assert care.scan() == {"reminded": 0, "flagged": 0}
    assert Notification.objects.filter(recipient=worker_a).count() == 1
    assert Notification.objects.filter(recipient=cadre_a).count() == 1


def test_the_contact_card_is_a_pdf_for_the_grid_only(client_for, homes, worker_a, cadre_a, cadre_b):
    record = care.open_care_record(
        resident=homes[0].residents.get(),
        needs="n",
        plan="p",
        helper=worker_a,
        visit_every_days=7,
        actor=cadre_a,
    )
    url = reverse("grids-contact-card", args=[record.pk])
    response = client_for(worker_a).get(url)
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert client_for(cadre_b).get(url).status_code == 404
    assert CareRecord.objects.count() == 1


@pytest.mark.parametrize("n", [1, 8])
def test_household_pages_query_counts_do_not_grow(
    client_for, small_tree, worker_a, n, django_assert_max_num_queries
):
    for i in range(n):
        household = Household.objects.create(
            building=small_tree.buildings_a[0], unit="2", room=f"{i}02"
        )
        Resident.objects.create(household=household, name=f"张{i}")
        Visit.objects.create(household=household, worker=worker_a, seen="ok")
    client = client_for(worker_a)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("grids-household-search"), {"q": "z"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("grids-household", args=[household.pk])).status_code == 200


def _care_form(resident, helper, days):
    return {
        "resident": resident.pk,
        "needs": "独居, 行动不便",
        "plan": "每周上门一次",
        "helper": helper.pk,
        "visit_every_days": days,
        "active": "on",
    }


def test_the_community_keeps_the_care_ledger_in_the_admin(
    client_for, homes, worker_a, cadre_a, cadre_b, street_cadre
):
    mine, theirs = (h.residents.get() for h in homes)
    client = client_for(cadre_a)
    add = reverse("admin:grids_carerecord_add")
    with time_machine.travel(T0, tick=False):
        response = client.post(add, _care_form(theirs, worker_a, 7))
        assert response.status_code == 200 and not CareRecord.objects.exists()  # out of scope
        assert client.post(add, _care_form(mine, worker_a, 7)).status_code == 302
    record = CareRecord.objects.get()
    assert record.next_visit_due == T0 + timedelta(days=7)

    change = reverse("admin:grids_carerecord_change", args=[record.pk])
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        assert client.post(change, _care_form(mine, worker_a, 3)).status_code == 302
    record.refresh_from_db()
    assert record.next_visit_due == T0 + timedelta(days=5)

    assert client_for(cadre_b).get(change).status_code in (302, 403, 404)
    listing = reverse("admin:grids_carerecord_changelist")
    assert not client_for(cadre_b).get(listing).context["cl"].result_list
    street = client_for(street_cadre).get(listing).content.decode()
    assert "张某" in street and "张建国" not in street
    assert client_for(street_cadre).get(change).status_code == 403


@pytest.mark.parametrize("query", ["a\x00b", "李\x07"])
def test_household_search_refuses_control_characters_calmly(client_for, worker_a, query):
    response = client_for(worker_a).get(reverse("grids-household-search"), {"q": query})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["errors"]
