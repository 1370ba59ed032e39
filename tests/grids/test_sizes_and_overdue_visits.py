"""One truth about a household's size, and overdue care visits flagged on my work (#17.19)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from governance.models import Role
from grids.models import CareRecord, Household, Resident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"  # the page's words as written in the code
    with translation.override("en"):
        yield


@pytest.fixture
def worker(small_tree):
    return UserFactory(username="gw", role=Role.GRID_WORKER, node=small_tree.grid_a)


@pytest.fixture
def family(small_tree):
    """Declared four people, two on record."""
    home = Household.objects.create(
        building=small_tree.buildings_a[0], unit="1", room="101", size=4
    )
    Resident.objects.create(household=home, name="张建国", mobile="13912340001")
    Resident.objects.create(household=home, name="李秀英")
    return home


def test_the_household_card_counts_the_residents_and_flags_the_declared_size(
    client_for, family, worker, english
):
    page = client_for(worker).get(reverse("grids-household", args=[family.pk]))
    assert page.context["size"] == {"on_record": 2, "declared": 4, "differs": True}
    assert "Declared 4, but 2 on record" in page.context["size_note"]
    Resident.objects.create(household=family, name="张小明")
    Resident.objects.create(household=family, name="张小红")
    page = client_for(worker).get(reverse("grids-household", args=[family.pk]))
    assert not page.context["size"]["differs"] and page.context["size_note"] == ""


def test_the_search_flags_the_difference_too(client_for, family, worker):
    results = client_for(worker).get(reverse("grids-household-search"), {"q": "1-101"})
    [row] = results.context["results"]
    assert row["size"]["differs"] and row["size"]["on_record"] == 2


def test_the_admin_lists_residents_on_record_and_filters_the_differences(
    client_for, family, small_tree, cadre_a, django_assert_max_num_queries
):
    agreeing = Household.objects.create(
        building=small_tree.buildings_a[0], unit="1", room="201", size=1
    )
    Resident.objects.create(household=agreeing, name="王芳")
    listing = reverse("admin:grids_household_changelist")
    client = client_for(cadre_a)
    with django_assert_max_num_queries(15):
        everything = client.get(listing)
    assert {h.pk: h.on_record for h in everything.context["cl"].result_list} == {
        family.pk: 2,
        agreeing.pk: 1,
    }
    differing = client.get(listing, {"size": "differs"}).context["cl"].result_list
    assert [h.pk for h in differing] == [family.pk]


@pytest.fixture
def care(family, worker):
    now = timezone.now()
    late, soon = family.residents.order_by("pk")
    return [
        CareRecord.objects.create(
            resident=late,
            needs="独居",
            plan="每周",
            helper=worker,
            next_visit_due=now - timedelta(days=2, hours=1),
        ),
        CareRecord.objects.create(
            resident=soon,
            needs="独居",
            plan="每周",
            helper=worker,
            next_visit_due=now + timedelta(hours=5),
        ),
    ]


def test_my_work_flags_the_overdue_care_visit_first(client_for, care, worker, english):
    page = client_for(worker).get(reverse("mobile-home"))
    [work] = [work for template, work in page.context["sections"] if "care" in template]
    assert [(row["record"], row["overdue"], row["days_late"]) for row in work["rows"]] == [
        (care[0], True, 2),
        (care[1], False, 0),
    ]
    assert work["overdue"] == 1
    body = page.content.decode()
    assert body.count("visit overdue") == 1 and "2 days late" in body
    assert "张建国" in body  # the grid worker calls on them: in full


def test_my_work_names_the_cared_for_by_the_one_rule(client_for, care, street_cadre):
    page = client_for(street_cadre).get(reverse("mobile-home"))
    body = page.content.decode()
    assert "张某" in body and "张建国" not in body and "李秀英" not in body


@pytest.mark.parametrize("n", [1, 8])
def test_my_work_costs_the_same_queries_for_many_visits(
    client_for, small_tree, worker, n, django_assert_max_num_queries
):
    for i in range(n):
        home = Household.objects.create(building=small_tree.buildings_a[1], unit="2", room=f"{i}01")
        CareRecord.objects.create(
            resident=Resident.objects.create(household=home, name=f"王{i}"),
            needs="独居",
            plan="每周",
            helper=worker,
            next_visit_due=timezone.now() - timedelta(days=i),
        )
    with django_assert_max_num_queries(31):
        assert client_for(worker).get(reverse("mobile-home")).status_code == 200
