"""Demo grid registers for 红星街道: grid profiles, the demo grid worker's full-time post,
building profiles, and households with residents in the demo grid (HX-01-01)."""

import random
from datetime import timedelta

from django.utils import timezone

from governance.demo import GIVEN, SURNAMES
from governance.models import NodeKind, OrgNode, User
from grids.models import (
    BuildingProfile,
    CareRecord,
    GridProfile,
    GridType,
    Household,
    Resident,
    ResidentTag,
    WorkerAssignment,
    WorkerKind,
)


def seed(*, scale=False):
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or GridProfile.objects.filter(grid__tree_id=street.tree_id).exists():
        return {"grid profiles": 0, "households": 0}
    rng = random.Random(6)
    in_street = OrgNode.objects.filter(tree_id=street.tree_id)
    grids = list(in_street.filter(kind=NodeKind.GRID).order_by("lft"))
    GridProfile.objects.bulk_create(
        [
            GridProfile(
                grid=grid,
                grid_type=GridType.EXCLUSIVE if i % 15 == 7 else GridType.BASE,
                boundary=f"{grid.place}：东至路口，西至围墙，南北以小区道路为界",
                area_km2=round(rng.uniform(0.05, 0.4), 3),
            )
            for i, grid in enumerate(grids)
        ]
    )
    BuildingProfile.objects.bulk_create(
        [
            BuildingProfile(
                building=b,
                address=f"{b.place}（{b.parent.parent.place}）",
                units=rng.randint(2, 4),
                floors=rng.choice([6, 7, 11, 18]),
            )
            for b in in_street.filter(kind=NodeKind.BUILDING).select_related("parent__parent")
        ]
    )
    worker = User.objects.filter(username="grid_worker").first()
    if worker is not None:
        WorkerAssignment.objects.create(grid=worker.node, worker=worker, kind=WorkerKind.FULL_TIME)
    tags = {t.name: t for t in ResidentTag.objects.all()}
    households = 0
    for building in in_street.filter(parent__code="HX-01-01").order_by("lft"):
        party_nodes = list(building.get_children())
        for unit in (1, 2):
            for floor in range(1, 5):
                household = Household.objects.create(
                    building=building,
                    unit=str(unit),
                    room=f"{floor}0{unit}",
                    size=rng.randint(1, 4),
                    party_household=party_nodes.pop() if party_nodes else None,
                )
                households += 1
                for _person in range(rng.randint(1, 3)):
                    resident = Resident.objects.create(
                        household=household,
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        mobile=f"13{rng.randint(3, 9)}{rng.randrange(10**8):08d}",
                        birth_year=rng.randint(1935, 2018),
                    )
                    if resident.birth_year < 1950:
                        resident.tags.add(tags["高龄老人"])
                    if rng.random() < 0.08:
                        resident.tags.add(tags[rng.choice(["独居老人", "残疾人", "低保户"])])
                    if household.party_household_id:
                        resident.tags.add(tags["党员"])
    care = 0
    if worker is not None:
        now = timezone.now()
        for days, resident in zip(
            (-2, 1, 5),
            Resident.objects.filter(
                household__building__parent=worker.node, tags__vulnerable=True
            ).order_by("pk"),
            strict=False,
        ):
            CareRecord.objects.create(
                resident=resident,
                needs="行动不便，需要定期上门看望、代购药品",
                plan="网格员每周上门一次，每月联系家属一次；有情况及时转社区",
                helper=worker,
                visit_every_days=7,
                next_visit_due=now + timedelta(days=days),
            )
            care += 1
    return {"grid profiles": len(grids), "households": households, "care records": care}
