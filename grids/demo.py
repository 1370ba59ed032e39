"""Demo grid registers for 红星街道: grid profiles, the demo grid worker's full-time post,
and every building's profile with its households and residents — the party-member
households of the tree among them, each headed by the member the tree names — bulk-written,
so the command center's households, party households and residents agree.

`seed_registers(street)` works for any street (the district seed can call it per street)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from governance.demo import (
    GIVEN,
    PARTY_HOUSEHOLD_NAME,
    SURNAMES,
    building_plan,
    building_rooms,
    copy_rows,
    district_streets,
    refresh_statistics,
    reserve_ids,
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


def seed(*, scale=0):
    created = _demo_street()
    if scale:
        for street in district_streets():
            for what, n in seed_district_registers(street).items():
                created[what] = created.get(what, 0) + n
    return created


def _demo_street():
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


# --- the district's other streets: the same registers, written by COPY in one pass a street

CARE_PER_GRID = 6  # the oldest vulnerable residents of each grid in the care ledger
DISTRICT_PARTY_WORKERS = 3  # every third grid worker is a party member


def _mobile(rng):
    return f"13{rng.randint(3, 9)}{rng.randrange(10**8):08d}"


def seed_district_registers(street):
    """A district street's registers, as the demo street's are (every flat a household, the
    tree's party-member households headed by the member named and registered as party
    members), plus a full-time grid worker for every grid (`gw_<grid code>`, no login) and
    the care ledger's oldest vulnerable residents of each grid, looked after by a party member
    of the grid (else its worker), each last visit on the household's history. Nothing when
    the street has its registers already."""
    if GridProfile.objects.filter(grid__tree_id=street.tree_id).exists():
        return {}
    rng = random.Random(f"registers-{street.code}")
    now = timezone.now()
    nodes = OrgNode.objects.filter(tree_id=street.tree_id)
    grids = list(
        nodes.filter(kind=NodeKind.GRID).order_by("lft").values_list("pk", "code", "place_name")
    )
    buildings = list(
        nodes.filter(kind=NodeKind.BUILDING)
        .order_by("lft")
        .values_list("pk", "code", "place_name", "parent_id", "parent__parent__place_name")
    )
    party = {}  # building -> {(unit, room): (node, node code, member)}
    for pk, building, code, name in nodes.filter(kind=NodeKind.HOUSEHOLD).values_list(
        "pk", "parent_id", "code", "name"
    ):
        found = PARTY_HOUSEHOLD_NAME.match(name)
        if found:
            party.setdefault(building, {})[found["unit"], found["room"]] = (
                pk,
                code,
                found["person"],
            )
    tags = {t.name: t.pk for t in ResidentTag.objects.all()}
    vulnerable = {t.pk for t in ResidentTag.objects.filter(vulnerable=True)}

    copy_rows(
        GridProfile,
        ["grid_id", "grid_type", "boundary", "area_km2"],
        [
            (
                pk,
                GridType.EXCLUSIVE if i % 15 == 7 else GridType.BASE,
                f"{place}：东至路口，西至围墙，南北以小区道路为界",
                Decimal(f"{rng.uniform(0.05, 0.4):.3f}"),
            )
            for i, (pk, _code, place) in enumerate(grids)
        ],
    )
    copy_rows(
        BuildingProfile,
        ["building_id", "address", "units", "floors", "head_id"],
        [
            (pk, f"{place}（{community}）", *building_plan(code), None)
            for pk, code, place, _grid, community in buildings
        ],
    )

    names = _Names(rng)
    households, residents, tagged = [], [], []
    heads = []  # (party node, its code, head's name, head's mobile)
    elderly = {}  # grid -> [(birth year, resident, household)] of vulnerable residents
    household_id = reserve_ids(
        Household, sum(len(building_rooms(b[1])) for b in buildings) + sum(map(len, party.values()))
    )
    resident_id = None
    people = []
    for pk, code, _place, grid, _community in buildings:
        flats = party.get(pk, {})
        rooms = building_rooms(code)
        # A party household whose flat the plan lacks still lives there (a tree built by
        # an older plan).
        rooms += [flat for flat in flats if flat not in set(rooms)]
        for unit, room in rooms:
            node, node_code, head = flats.get((unit, room), (None, None, None))
            members = _members(rng, names, head)
            size = len(members) + (1 if rng.random() < 0.01 else 0)
            households.append((household_id, pk, unit, room, size, node))
            people.append((household_id, grid, node, node_code, members))
            household_id += 1
    resident_id = reserve_ids(Resident, sum(len(p[4]) for p in people))
    for household, grid, node, node_code, members in people:
        for name, born, is_head in members:
            mobile = _mobile(rng) if born < 2008 else ""
            residents.append((resident_id, household, name, mobile, born, False, names.of(name)))
            labels = []
            if born < OLD_AGE_BORN_BEFORE:
                labels.append("高龄老人")
                if len(members) == 1:
                    labels.append("独居老人")
            if node and is_head:
                labels.append("党员")
                heads.append((node, node_code, name, mobile))
            if rng.random() < 0.02:
                labels.append(rng.choice(["残疾人", "低保户"]))
            ids = [tags[t] for t in labels if t in tags]
            tagged += [(resident_id, tag) for tag in ids]
            if vulnerable.intersection(ids):
                elderly.setdefault(grid, []).append((born, resident_id, household))
            resident_id += 1
    copy_rows(
        Household, ["id", "building_id", "unit", "room", "size", "party_household_id"], households
    )
    copy_rows(
        Resident,
        ["id", "household_id", "name", "mobile", "birth_year", "unit_head", "name_initials"],
        residents,
    )
    copy_rows(Resident.tags.through, ["resident_id", "residenttag_id"], tagged)

    # The grid workers and the party members, then who looks after whom.
    user_id = reserve_ids(User, len(grids) + len(heads))
    users, workers, helpers = [], {}, {}
    for i, (pk, code, _place) in enumerate(grids):
        workers[pk] = user_id
        users.append(
            (
                user_id,
                f"gw_{code}",
                names(),
                Role.GRID_WORKER,
                pk,
                i % DISTRICT_PARTY_WORKERS == 0,
                _mobile(rng),
                "!",
            )
        )
        user_id += 1
    grid_of = {code: pk for pk, code, _place in grids}
    for node, node_code, name, mobile in heads:
        users.append((user_id, f"pm_{node_code}", name, Role.VOLUNTEER, node, True, mobile, "!"))
        helpers.setdefault(grid_of[node_code.rsplit("-", 2)[0]], user_id)
        user_id += 1
    copy_rows(
        User,
        ["id", "username", "full_name", "role", "node_id", "is_party_member", "mobile", "password"],
        users,
    )
    copy_rows(
        WorkerAssignment,
        ["grid_id", "worker_id", "kind"],
        [(grid, worker, WorkerKind.FULL_TIME) for grid, worker in workers.items()],
    )
    care, visits = [], []
    for grid, cared in elderly.items():
        helper = helpers.get(grid, workers[grid])
        for _born, resident, household in sorted(cared)[:CARE_PER_GRID]:
            needs, plan = rng.choice(NEEDS)
            last = now - timedelta(days=rng.uniform(1, 13))
            care.append((resident, needs, plan, helper, 14, last, last + timedelta(days=14)))
            visits.append((household, helper, last, "身体状况平稳，家中整洁，药品充足。"))
    copy_rows(
        CareRecord,
        [
            "resident_id",
            "needs",
            "plan",
            "helper_id",
            "visit_every_days",
            "last_visit_at",
            "next_visit_due",
        ],
        care,
    )
    copy_rows(Visit, ["household_id", "worker_id", "at", "seen"], visits)
    return {
        "district grid profiles": len(grids),
        "district households": len(households),
        "district residents": len(residents),
        "district grid workers": len(workers),
        "district party members": len(heads),
        "district care records": len(care),
    }
