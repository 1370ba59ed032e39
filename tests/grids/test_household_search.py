"""The grid worker's household search reads what people type: unit and room, building and
room, the whole address as the results show it, names and pinyin initials (#17.6)."""

import pytest
from django.urls import reverse

from governance.models import Role
from grids.models import Household, Resident
from grids.search import Address, parse_address
from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(small_tree):
    return UserFactory(username="gw", role=Role.GRID_WORKER, node=small_tree.grid_a)


@pytest.fixture
def homes(small_tree):
    """锦绣苑1号楼 and 2号楼 in the worker's grid, 锦绣苑12号楼 too, and 阳光花园 elsewhere."""
    b1, b2 = small_tree.buildings_a
    b12 = NodeFactory(parent=small_tree.grid_a, name="锦绣苑12号楼", code="HX-01-01-12")
    made = {}
    for building in (b1, b2, b12, small_tree.buildings_b[0]):
        for unit, room in (("1", "101"), ("2", "101"), ("1", "201")):
            made[building.name, unit, room] = Household.objects.create(
                building=building, unit=unit, room=room
            )
    Resident.objects.create(
        household=made["锦绣苑2号楼", "1", "101"], name="张建国", mobile="13912340001"
    )
    Resident.objects.create(household=made["阳光花园1号楼", "1", "101"], name="张建国")
    return made


def _found(client, query):
    response = client.get(reverse("grids-household-search"), {"q": query})
    assert response.status_code == 200
    return {
        (r["household"].building.name, r["household"].unit, r["household"].room)
        for r in response.context["results"]
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "1-101",
            {
                ("锦绣苑1号楼", "1", "101"),
                ("锦绣苑2号楼", "1", "101"),
                ("锦绣苑12号楼", "1", "101"),
            },
        ),
        (
            "１－１０１",
            {
                ("锦绣苑1号楼", "1", "101"),
                ("锦绣苑2号楼", "1", "101"),
                ("锦绣苑12号楼", "1", "101"),
            },
        ),
        (
            "1单元101室",
            {
                ("锦绣苑1号楼", "1", "101"),
                ("锦绣苑2号楼", "1", "101"),
                ("锦绣苑12号楼", "1", "101"),
            },
        ),
        ("2号楼101", {("锦绣苑2号楼", "1", "101"), ("锦绣苑2号楼", "2", "101")}),
        ("锦绣苑2号楼 101", {("锦绣苑2号楼", "1", "101"), ("锦绣苑2号楼", "2", "101")}),
        ("锦绣苑2号楼 1-101", {("锦绣苑2号楼", "1", "101")}),
        ("2号楼1单元101", {("锦绣苑2号楼", "1", "101")}),
        ("2-1-101", {("锦绣苑2号楼", "1", "101")}),
        ("12号楼 201", {("锦绣苑12号楼", "1", "201")}),
        ("2号楼", {("锦绣苑2号楼", u, r) for u, r in (("1", "101"), ("2", "101"), ("1", "201"))}),
        ("zjg", {("锦绣苑2号楼", "1", "101")}),
        ("张建国", {("锦绣苑2号楼", "1", "101")}),
        ("3-909", set()),
    ],
)
def test_the_formats_people_type_find_the_household(client_for, homes, worker, query, expected):
    assert _found(client_for(worker), query) == expected


def test_the_address_as_the_results_show_it_finds_that_household(client_for, homes, worker):
    home = homes["锦绣苑2号楼", "1", "101"]
    shown = f"{home.building.place} {home.unit}-{home.room}"
    assert _found(client_for(worker), shown) == {("锦绣苑2号楼", "1", "101")}


def test_the_parser_reads_building_unit_and_room():
    assert parse_address("锦绣苑2号楼 1-101") == Address("锦绣苑", "2", "1", "101")
    assert parse_address("2号楼101") == Address("", "2", "", "101")
    assert parse_address("1-101") == Address("", "", "1", "101")
    assert parse_address("zjg") is None


def test_no_household_outside_the_area_is_found(client_for, homes, worker, cadre_b):
    assert ("阳光花园1号楼", "1", "101") not in _found(client_for(worker), "zjg")
    assert _found(client_for(cadre_b), "锦绣苑2号楼 1-101") == set()
    assert _found(client_for(cadre_b), "zjg") == {("阳光花园1号楼", "1", "101")}


@pytest.mark.parametrize("n", [1, 12])
def test_the_search_costs_the_same_queries_for_many_results(
    client_for, small_tree, worker, n, django_assert_max_num_queries
):
    for i in range(n):
        home = Household.objects.create(building=small_tree.buildings_a[0], unit="1", room=f"{i}01")
        Resident.objects.create(household=home, name=f"张{i}")
        Resident.objects.create(household=home, name=f"李{i}")
    client = client_for(worker)
    for query in ("z", "1号楼", "锦绣苑1号楼 1-001"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse("grids-household-search"), {"q": query}).status_code == 200
