"""Grid registers: worker assignment rules, masking of residents per role, scope, speed."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Role
from grids.assignments import assign_worker
from grids.models import CareRecord, Household, Resident, Visit, WorkerAssignment, WorkerKind
from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(small_tree):
    return [
        UserFactory(username=f"gw{i}", role=Role.GRID_WORKER, node=small_tree.grid_a)
        for i in range(3)
    ]


def test_one_full_time_worker_per_grid_and_one_grid_per_full_time_worker(
    small_tree, workers, street_cadre
):
    first, second, third = workers
    assign_worker(
        grid=small_tree.grid_a, worker=first, kind=WorkerKind.FULL_TIME, actor=street_cadre
    )
    with pytest.raises(ValidationError, match="已有专职网格员|already has a full-time"):
        assign_worker(
            grid=small_tree.grid_a, worker=second, kind=WorkerKind.FULL_TIME, actor=street_cadre
        )
    with pytest.raises(ValidationError):
        assign_worker(
            grid=small_tree.grid_b, worker=first, kind=WorkerKind.FULL_TIME, actor=street_cadre
        )
    # Part-time: several per grid.
    assign_worker(
        grid=small_tree.grid_a, worker=second, kind=WorkerKind.PART_TIME, actor=street_cadre
    )
    assign_worker(
        grid=small_tree.grid_a, worker=third, kind=WorkerKind.PART_TIME, actor=street_cadre
    )
    # The database holds the rule too.
    with pytest.raises(IntegrityError):
        WorkerAssignment.objects.create(
            grid=small_tree.grid_a,
            worker=UserFactory(username="gw9", role=Role.GRID_WORKER),
            kind=WorkerKind.FULL_TIME,
        )


def test_a_professional_worker_covers_several_grids_one_per_grid(small_tree, workers, street_cadre):
    pro, other, _ = workers
    for grid in (small_tree.grid_a, small_tree.grid_b):
        assign_worker(grid=grid, worker=pro, kind=WorkerKind.PROFESSIONAL, actor=street_cadre)
    with pytest.raises(ValidationError):
        assign_worker(
            grid=small_tree.grid_a, worker=other, kind=WorkerKind.PROFESSIONAL, actor=street_cadre
        )


def test_assignments_need_a_grid_worker_and_the_actors_own_grid(small_tree, workers, cadre_a):
    volunteer = UserFactory(username="vol", role=Role.VOLUNTEER)
    with pytest.raises(ValidationError):
        assign_worker(
            grid=small_tree.grid_a, worker=volunteer, kind=WorkerKind.PART_TIME, actor=cadre_a
        )
    with pytest.raises(PermissionDenied):
        assign_worker(
            grid=small_tree.grid_b, worker=workers[0], kind=WorkerKind.PART_TIME, actor=cadre_a
        )


def test_the_admin_form_explains_a_second_full_time_worker(
    client_for, small_tree, workers, street_cadre
):
    WorkerAssignment.objects.create(
        grid=small_tree.grid_a, worker=workers[0], kind=WorkerKind.FULL_TIME
    )
    response = client_for(street_cadre).post(
        reverse("admin:grids_workerassignment_add"),
        {"grid": small_tree.grid_a.pk, "worker": workers[1].pk, "kind": "full_time"},
    )
    assert response.status_code == 200
    assert "专职" in response.content.decode() or "full-time" in response.content.decode()
    assert WorkerAssignment.objects.count() == 1


def test_a_professional_worker_sees_every_grid_assigned_and_no_other(
    client_for, small_tree, households, street_cadre
):
    extra_grid = NodeFactory(parent=small_tree.community_a, code="HX-01-02")
    unassigned = Household.objects.create(
        building=NodeFactory(parent=extra_grid, code="HX-01-02-01"), unit="1", room="101"
    )
    pro = UserFactory(username="pro", role=Role.GRID_WORKER, node=small_tree.grid_a)
    assign_worker(
        grid=small_tree.grid_b, worker=pro, kind=WorkerKind.PROFESSIONAL, actor=street_cadre
    )
    seen = set(Household.objects.visible_to(pro).values_list("pk", flat=True))
    assert seen == {h.pk for h in households}  # grid A (own node) and grid B (assigned)
    client = client_for(pro)
    in_b = households[-1]
    assert client.get(reverse("grids-household", args=[in_b.pk])).status_code == 200
    response = client.get(reverse("grids-household", args=[unassigned.pk]))
    assert response.status_code == 404


@pytest.fixture
def households(small_tree):
    made = []
    for building in small_tree.buildings_a + small_tree.buildings_b:
        household = Household.objects.create(building=building, unit="1", room="101", size=2)
        Resident.objects.create(
            household=household,
            name=f"欧阳{building.code[-2:]}",
            mobile=f"1391234{building.pk % 10000:04d}",
        )
        made.append(household)
    return made


def test_residents_are_masked_for_the_street_and_shown_to_the_community(
    client_for, households, street_cadre, cadre_a
):
    resident = Resident.objects.filter(household__building__parent__parent__code="HX-01").first()
    listing = reverse("admin:grids_resident_changelist")
    street = client_for(street_cadre).get(listing).content.decode()
    assert resident.mobile not in street and resident.name not in street
    assert f"{resident.mobile[:3]}****{resident.mobile[-4:]}" in street
    assert (
        client_for(street_cadre)
        .get(reverse("admin:grids_resident_change", args=[resident.pk]))
        .status_code
        == 403
    )
    community = client_for(cadre_a).get(listing).content.decode()
    assert resident.mobile in community and resident.name in community


def test_a_community_sees_nothing_of_another_community(client_for, households, cadre_b):
    other = households[0]  # in community A
    client = client_for(cadre_b)
    listing = client.get(reverse("admin:grids_household_changelist"))
    assert other.pk not in {h.pk for h in listing.context["cl"].result_list}
    response = client.get(reverse("admin:grids_household_change", args=[other.pk]), follow=True)
    assert other.building.name not in response.content.decode()
    residents = client.get(reverse("admin:grids_resident_changelist")).context["cl"].result_list
    assert {r.household.building.parent.parent.code for r in residents} == {"HX-02"}


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize(
    "name",
    [
        "grids_household",
        "grids_resident",
        "grids_workerassignment",
        "grids_carerecord",
        "grids_visit",
    ],
)
def test_register_lists_query_counts_do_not_grow(
    client_for, small_tree, cadre_a, n, name, django_assert_max_num_queries
):
    for i in range(n):
        building = NodeFactory(parent=small_tree.grid_a, code=f"HX-01-01-R{i}")
        household = Household.objects.create(building=building, unit="1", room=f"{i}01")
        resident = Resident.objects.create(
            household=household, name=f"住户{i}", mobile=f"1380000{i:04d}"
        )
        worker = UserFactory(username=f"pt{i}", role=Role.GRID_WORKER, node=small_tree.grid_a)
        CareRecord.objects.create(
            resident=resident, needs="-", plan="-", helper=worker, next_visit_due=timezone.now()
        )
        Visit.objects.create(household=household, worker=worker, seen="-")
        WorkerAssignment.objects.create(
            grid=small_tree.grid_a, worker=worker, kind=WorkerKind.PART_TIME
        )
    client = client_for(cadre_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_demo_grid_worker_has_a_full_time_post():
    from django.core.management import call_command

    call_command("seed_demo")
    from governance.models import User

    worker = User.objects.get(username="grid_worker")
    assert WorkerAssignment.objects.get(worker=worker).kind == WorkerKind.FULL_TIME
    # As the README says: the demo grid's households, and its search example (#17.6).
    assert Household.objects.filter(building__parent=worker.node).count() == 136
    client = Client()
    client.force_login(worker)
    for query in ("zjg", "1-101", "2号楼101", "锦绣苑2号楼 101", "锦绣苑2号楼 1-101"):
        found = client.get(reverse("grids-household-search"), {"q": query}).context["results"]
        assert "张建国" in [r["name"] for row in found for r in row["residents"]], query


@pytest.mark.parametrize("register", ["grids_resident", "grids_carerecord"])
def test_the_street_s_lists_link_no_page_it_may_not_open(
    client_for, households, street_cadre, cadre_a, register
):
    """The street reads the residents and the care ledger masked and opens no one's page:
    its lists show no links that would answer 403 and leave the admin."""
    resident = Resident.objects.filter(household__building__parent__parent__code="HX-01").first()
    CareRecord.objects.create(
        resident=resident, needs="-", plan="-", helper=cadre_a, next_visit_due=timezone.now()
    )
    listing = reverse(f"admin:{register}_changelist")
    row_page = re.compile(re.escape(listing) + r"\d+/change/")
    assert not row_page.search(client_for(street_cadre).get(listing).content.decode())
    assert row_page.search(client_for(cadre_a).get(listing).content.decode())
