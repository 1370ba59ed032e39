"""Demo grid registers for 红星街道: grid profiles, the demo grid worker's full-time post,
and every building's profile with its households and residents — the party-member
households of the tree among them, each headed by the member the tree names — bulk-written,
so the command center's households, party households and residents agree.

`seed_registers(street)` works for any street (the district seed can call it per street)."""

import random
from datetime import timedelta

from django.utils import timezone

from governance.demo import (
    GIVEN,
    PARTY_HOUSEHOLD_NAME,
    SURNAMES,
    building_plan,
    building_rooms,
    refresh_statistics,
)
from governance.models import NodeKind, OrgNode, Role, User
from grids.models import (
    BuildingProfile,
    CareRecord,
    GridProfile,
    GridType,
    Household,
    Resident,
    ResidentTag,
    Visit,
    WorkerAssignment,
    WorkerKind,
    name_initials,
)

# The README's household-search example (zjg finds 张建国): the one resident of the demo
# grid whose initials start with zjg, at 锦绣苑2号楼 1-101.
SEARCH_EXAMPLE = {
    "building": "HX-01-01-02",
    "unit": "1",
    "room": "101",
    "name": "张建国",
    "mobile": "13912340001",
    "birth_year": 1944,
}
OLD_AGE_BORN_BEFORE = 1946  # 高龄老人: 80 and over
BATCH = 2000


def seed(*, scale=False):
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or GridProfile.objects.filter(grid__tree_id=street.tree_id).exists():
        return {"grid profiles": 0, "households": 0}
    rng = random.Random(6)
    grids = list(OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.GRID).order_by("lft"))
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
    worker = User.objects.filter(username="grid_worker").first()
    if worker is not None:
        WorkerAssignment.objects.create(grid=worker.node, worker=worker, kind=WorkerKind.FULL_TIME)
    households, residents = seed_registers(street, rng, example=SEARCH_EXAMPLE)
    refresh_statistics(Household, Resident, Resident.tags.through)
    members = party_members(street)
    care = _care_records(worker) if worker is not None else 0
    care += _neighbours_care(street, rng, skip=worker.node if worker else None)
    return {
        "grid profiles": len(grids),
        "households": households,
        "residents": residents,
        "party members": members,
        "care records": care,
    }


class _Names:
    """Residents' names with their pinyin initials (bulk writes skip Resident.save, which
    keeps them); `avoid` keeps a search example the only one of its initials."""

    initials = {}  # shared: a street's few hundred distinct names, converted once each

    def __init__(self, rng, avoid=""):
        self.rng, self.avoid = rng, avoid

    def __call__(self, surname=None):
        while True:
            name = (surname or self.rng.choice(SURNAMES)) + self.rng.choice(GIVEN)
            initials = self.of(name)
            if not (self.avoid and initials.startswith(self.avoid)):
                return name
            surname = None

    def of(self, name):
        if name not in self.initials:
            self.initials[name] = name_initials(name)
        return self.initials[name]


def _members(rng, names, head_name=None):
    """A household: (name, birth year, is the head) for each member on record."""
    surname = head_name[0] if head_name else rng.choice(SURNAMES)
    head = head_name or names(surname)
    head_born = rng.randint(1936, 1995)
    people = [(head, head_born, True)]
    if rng.random() < 0.75:  # a spouse
        people.append((names(), head_born + rng.randint(-4, 4), False))
    if head_born > 1950 and rng.random() < 0.6:  # children
        for _ in range(rng.choice([1, 1, 2])):
            people.append((names(surname), min(head_born + rng.randint(24, 34), 2024), False))
    elif head_born <= 1950 and rng.random() < 0.2:  # an adult child living in
        people.append((names(surname), head_born + rng.randint(25, 32), False))
    return people


def seed_registers(street, rng, *, example=None):
    """Every building of `street` with its profile, households (every flat of the building)
    and residents; the tree's party-member households are the flats their names say, headed
    by the member named. Bulk-written in batches; returns (households, residents)."""
    tags = {t.name: t for t in ResidentTag.objects.all()}
    buildings = list(
        OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.BUILDING)
        .select_related("parent__parent")
        .order_by("lft")
    )
    party = {}
    for pk, building, name in OrgNode.objects.filter(
        tree_id=street.tree_id, kind=NodeKind.HOUSEHOLD
    ).values_list("pk", "parent_id", "name"):
        found = PARTY_HOUSEHOLD_NAME.match(name)
        if found:
            party[building, found["unit"], found["room"]] = (pk, found["person"])
    example_grid = example and example["building"].rsplit("-", 1)[0]
    households, people = [], []
    profiles = []
    for building in buildings:
        units, floors = building_plan(building.code)
        profiles.append(
            BuildingProfile(
                building=building,
                address=f"{building.place}（{building.parent.parent.place}）",
                units=units,
                floors=floors,
            )
        )
        in_example_grid = example and building.parent.code == example_grid
        names = _Names(rng, avoid=name_initials(example["name"]) if in_example_grid else "")
        for unit, room in building_rooms(building.code):
            node, head = party.get((building.pk, unit, room), (None, None))
            members = _members(rng, names, head)
            planted = example and (building.code, unit, room) == (
                example["building"],
                example["unit"],
                example["room"],
            )
            if planted:  # the search example heads it (or lives with the party member)
                person = (example["name"], example["birth_year"], node is None)
                members = [person, *members[1:]] if node is None else [*members, person]
            household = Household(
                building=building,
                unit=unit,
                room=room,
                # A few declare more people than are on record (not yet registered).
                size=len(members) + (1 if rng.random() < 0.01 else 0),
                party_household_id=node,
            )
            households.append(household)
            for name, born, is_head in members:
                resident = Resident(
                    household=household,
                    name=name,
                    name_initials=names.of(name),
                    mobile=(
                        example["mobile"]
                        if planted and name == example["name"]
                        else (
                            f"13{rng.randint(3, 9)}{rng.randrange(10**8):08d}"
                            if born < 2008
                            else ""
                        )
                    ),
                    birth_year=born,
                )
                labels = []
                if born < OLD_AGE_BORN_BEFORE:
                    labels.append("高龄老人")
                    if len(members) == 1:
                        labels.append("独居老人")
                if node and is_head:
                    labels.append("党员")
                if rng.random() < 0.02:
                    labels.append(rng.choice(["残疾人", "低保户"]))
                people.append((resident, [tags[t] for t in labels if t in tags]))
    BuildingProfile.objects.bulk_create(profiles, batch_size=BATCH)
    Household.objects.bulk_create(households, batch_size=BATCH)
    for resident, _labels in people:
        resident.household_id = resident.household.pk
    Resident.objects.bulk_create([r for r, _labels in people], batch_size=BATCH)
    Tagged = Resident.tags.through
    Tagged.objects.bulk_create(
        [
            Tagged(resident_id=resident.pk, residenttag_id=tag.pk)
            for resident, labels in people
            for tag in labels
        ],
        batch_size=BATCH * 2,
    )
    return len(households), len(people)


def party_members(street):
    """Each party-member household's head registered as a party member of the portal (no
    login), attached to the household's node: the command center's party members and party
    households then agree."""
    heads = (
        Resident.objects.filter(
            household__party_household__tree_id=street.tree_id, tags__name="党员"
        )
        .select_related("household__party_household")
        .order_by("household__party_household__lft")
    )
    taken = set(User.objects.filter(username__startswith="pm_").values_list("username", flat=True))
    users = [
        User(
            username=f"pm_{head.household.party_household.code}",
            full_name=head.name,
            role=Role.VOLUNTEER,
            node=head.household.party_household,
            is_party_member=True,
            mobile=head.mobile,
            password="!",  # no login: the demo logs in as `volunteer`
        )
        for head in heads
        if f"pm_{head.household.party_household.code}" not in taken
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return len(users)


NEEDS = [
    ("独居，行动不便，需要定期上门看望、代购药品", "党员中心户每两周上门一次，每月联系家属一次"),
    ("高龄，听力差，子女在外地", "邻居党员每两周上门，电话每周问候一次，有情况报社区"),
    ("残疾，出行需要轮椅", "每两周上门，协助办理助残补贴，雨雪天代购生活用品"),
]


def _neighbours_care(street, rng, skip=None):
    """In every other grid, its oldest vulnerable residents in the care ledger, each looked
    after by a party member of the grid (党员中心户 serve their neighbours)."""
    helpers = {}
    party = User.objects.filter(username__startswith="pm_", node__tree_id=street.tree_id)
    for user in party.select_related("node").order_by("pk"):
        grid_code = user.node.code.rsplit("-", 2)[0]
        helpers.setdefault(grid_code, user)
    now = timezone.now()
    records = []
    grids = OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.GRID).order_by("lft")
    for grid in grids:
        helper = helpers.get(grid.code)
        if helper is None or grid == skip:
            continue
        cared = (
            Resident.objects.filter(household__building__parent=grid, tags__vulnerable=True)
            .distinct()
            .order_by("birth_year", "pk")[:2]
        )
        for resident in cared:
            needs, plan = rng.choice(NEEDS)
            last = now - timedelta(days=rng.uniform(1, 13))
            records.append(
                CareRecord(
                    resident=resident,
                    needs=needs,
                    plan=plan,
                    helper=helper,
                    visit_every_days=14,
                    last_visit_at=last,
                    next_visit_due=last + timedelta(days=14),
                )
            )
    CareRecord.objects.bulk_create(records)
    # The last visit the ledger names is on the household's visit history too.
    Visit.objects.bulk_create(
        [
            Visit(
                household_id=r.resident.household_id,
                worker=r.helper,
                at=r.last_visit_at,
                seen="身体状况平稳，家中整洁，药品充足。",
            )
            for r in records
        ]
    )
    return len(records)


def _care_records(worker):
    """Three residents of the demo grid in the care ledger, visits due soon or overdue."""
    now = timezone.now()
    care = 0
    for days, resident in zip(
        (-2, 1, 5),
        Resident.objects.filter(household__building__parent=worker.node, tags__vulnerable=True)
        .distinct()
        .order_by("pk"),
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
    return care
