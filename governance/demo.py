"""The demo district: deterministic, realistic names, built with bulk inserts.

Each street's tree is laid out in memory with its nested-set numbers already computed, then
written level by level with bulk_create (parents first, for their ids) under the tree lock,
so a district of ten streets takes seconds, not the hours of node-by-node mptt inserts.
"""

import math
import random
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from governance.models import NodeKind, OrgNode, Role, User
from governance.tree import NEW_TREE, write_lock

DEMO_PASSWORD = "hongge-demo-2026"

_REAL_NOW = timezone.now


class DemoClock:
    """The time the workflow steps read while the demo replays its history."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def move(self, at):
        if at < self.at:
            raise ValueError("the demo clock only moves forward")
        self.at = at
        return at


def refresh_statistics(*models):
    """ANALYZE the tables just bulk-written (all of them when none are named), on PostgreSQL.
    Planned on empty statistics, the demo's own reads over the new rows (a street's party
    households, its care ledger) choose nested loops and run for minutes."""
    if connection.vendor != "postgresql":
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


# --- bulk writes for the district: ids chosen up front, rows written by COPY on PostgreSQL


def reserve_ids(model, count):
    """The first of `count` consecutive primary keys of `model` that nothing else will take,
    so rows can be written with their ids (and rows pointing at them built alongside).
    Reserve, then write, before reserving for the same model again (SQLite counts from the
    table's largest id)."""
    if count < 1:
        return None
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s)", [sequence, sequence, count - 1])
            return cursor.fetchone()[0] - count + 1
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")
        return cursor.fetchone()[0] + 1


def copy_rows(model, columns, rows, batch_size=5000):
    """Write `rows` (tuples of the `columns`' values, by attname) into `model`'s table: COPY
    on PostgreSQL, batched bulk_create elsewhere. Concrete fields not named get their default
    (a callable one evaluated once per call); no save(), no signals. Returns how many."""
    if not rows:
        return 0
    named = set(columns)
    rest = [f for f in model._meta.concrete_fields if f.attname not in named and not f.primary_key]
    names = [*columns, *(f.attname for f in rest)]
    extra = tuple(f.get_default() for f in rest)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        fields = [model._meta.get_field(name) for name in names]
        sql = (
            f"COPY {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *extra))
    else:
        model.objects.bulk_create(
            [model(**dict(zip(names, (*row, *extra), strict=True))) for row in rows],
            batch_size=batch_size,
        )
    return len(rows)


@contextmanager
def clock(at):
    """Run the real workflow steps as if at `at` (then wherever `move` takes it), so each
    timeline event, deadline, reminder and notification carries the time it would have had.

    Steps read `timezone.now()`; model defaults hold the function itself (`default=
    timezone.now`), so their fields get the clock too while it runs."""
    fake = DemoClock(at)
    fields = [
        f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.default is _REAL_NOW
    ]
    with mock.patch.object(timezone, "now", fake):
        # Field._get_default is a cached_property: an instance attribute overrides it.
        for f in fields:
            f.__dict__["_get_default"] = fake
        try:
            yield fake
        finally:
            for f in fields:
                f.__dict__.pop("_get_default", None)


STREETS = [
    ("HX", "红星街道"),
    ("DF", "东风街道"),
    ("HP", "和平街道"),
    ("GM", "光明街道"),
    ("XH", "新华街道"),
    ("CY", "朝阳街道"),
    ("JS", "建设街道"),
    ("JF", "解放街道"),
    ("RM", "人民街道"),
    ("SL", "胜利街道"),
]
COMMUNITIES = ["红旗", "幸福", "春晖", "朝霞", "翠竹", "金桥", "桃园", "枫林", "玉兰", "海棠"]
COMPOUNDS = [
    "锦绣苑",
    "阳光花园",
    "梧桐小区",
    "和谐家园",
    "滨河小区",
    "翠湖苑",
    "东方名苑",
    "新村",
    "丽景花园",
    "书香苑",
    "福泽园",
    "银杏小区",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "志强",
    "海燕",
    "国华",
    "玉梅",
    "德明",
    "丽娟",
    "文斌",
    "春生",
    "淑芬",
    "红军",
    "晓东",
    "金凤",
    "卫国",
    "建华",
    "美玲",
    "永福",
    "凤英",
]


@dataclass(frozen=True)
class StreetSize:
    communities: int
    grids_per_community: tuple[int, ...]  # cycled over the communities
    buildings_per_grid: int
    party_household_share: float  # party-member households per building, on average


DEMO_STREET = StreetSize(8, (8, 7), 10, 0.4)  # 60 grids, 600 buildings
DEMO_STREET_CODE = "HX"
# The district's other nine streets: 10 communities of 8 grids, each grid as many buildings
# as its share of the street's households fills (1,600 buildings for 44,000 households).
DISTRICT_COMMUNITIES, DISTRICT_GRIDS = 10, 8
# Households per district street: with the demo street's ~8,100, ten streets hold ~404,000.
DISTRICT_HOUSEHOLDS = 44_000


DISTRICT_BUILDINGS_PER_GRID = 20


def district_street(households):
    """The shape of a district street with about `households` households in its register:
    10 communities of up to 8 grids of about 20 buildings; a smaller street has fewer grids
    (and then fewer buildings a grid) rather than emptier buildings."""
    buildings = max(DISTRICT_COMMUNITIES, round(households / DISTRICT_FLATS_PER_BUILDING))
    per_community = buildings / DISTRICT_COMMUNITIES
    grids = min(DISTRICT_GRIDS, math.ceil(per_community / DISTRICT_BUILDINGS_PER_GRID))
    per_grid = max(1, round(per_community / grids))
    return StreetSize(DISTRICT_COMMUNITIES, (grids,), per_grid, 0.4)


ROOMS_PER_FLOOR = 2  # 一梯两户: two flats per floor of each unit
DISTRICT_FLATS_PER_BUILDING = 2.5 * 5.5 * ROOMS_PER_FLOOR  # the plan's average, below


def building_plan(code):
    """Units and floors of a demo building, from its code (so the tree and the registers
    agree without sharing a random sequence): on the demo street walk-ups of 1-2 units and
    3-6 floors; on the district's other streets 2-3 units and 4-7 floors."""
    h = zlib.crc32(code.encode())
    if code.startswith(f"{DEMO_STREET_CODE}-"):
        return 1 + h % 2, 3 + (h // 2) % 4
    return 2 + h % 2, 4 + (h // 2) % 4


def building_rooms(code):
    """Every flat of a demo building as (unit, room): unit "1", room "101" and so on."""
    units, floors = building_plan(code)
    return [
        (str(unit), f"{floor}{r:02d}")
        for unit in range(1, units + 1)
        for floor in range(1, floors + 1)
        for r in range(1, ROOMS_PER_FLOOR + 1)
    ]


def party_household_name(person, unit, room):
    """A party-member household's node name, e.g. 王建国家（1单元302）; the registers read
    the head's name and the flat back with PARTY_HOUSEHOLD_NAME."""
    return f"{person}家（{unit}单元{room}）"


PARTY_HOUSEHOLD_NAME = re.compile(r"^(?P<person>.+)家（(?P<unit>\d+)单元(?P<room>\d+)）$")


@dataclass
class _Node:
    kind: int
    name: str
    code: str
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    children: list["_Node"] = field(default_factory=list)
    lft: int = 0
    rght: int = 0


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


# The demo district sits in Qingdao's old town; streets lie ~6 km apart, communities ~1.2 km.
ORIGIN = (36.066, 120.383)
METRE_LAT, METRE_LNG = 1 / 111_000, 1 / 89_800  # degrees per metre at this latitude


def _offset(centre, north_m, east_m):
    return centre[0] + north_m * METRE_LAT, centre[1] + east_m * METRE_LNG


def _layout(code, name, size, rng, index=0):
    centre = _offset(ORIGIN, 0, index * 6000)
    street = _Node(NodeKind.STREET, name + "党工委", code, name, *centre)
    for c in range(size.communities):
        community_name = COMMUNITIES[c % len(COMMUNITIES)] + "社区"
        community_centre = _offset(centre, (c // 4) * 1200 - 600, (c % 4) * 1200 - 1800)
        community = _Node(
            NodeKind.COMMUNITY,
            community_name + "党委",
            f"{code}-{c + 1:02d}",
            community_name,
            *community_centre,
        )
        street.children.append(community)
        grids = size.grids_per_community[c % len(size.grids_per_community)]
        for g in range(grids):
            grid = _Node(
                NodeKind.GRID,
                f"{community_name}第{g + 1}网格党支部",
                f"{community.code}-{g + 1:02d}",
                f"{community_name}第{g + 1}网格",
            )
            community.children.append(grid)
            compound = COMPOUNDS[(c * 3 + g) % len(COMPOUNDS)]
            for b in range(size.buildings_per_grid):
                building = _Node(
                    NodeKind.BUILDING,
                    f"{compound}{b + 1}号楼党小组",
                    f"{grid.code}-{b + 1:02d}",
                    f"{compound}{b + 1}号楼",
                    *_offset(community_centre, rng.uniform(-650, 650), rng.uniform(-650, 650)),
                )
                grid.children.append(building)
                households = int(size.party_household_share * 2 * rng.random() + 0.5)
                flats = rng.sample(building_rooms(building.code), households)
                for h, (unit, room) in enumerate(flats):
                    building.children.append(
                        _Node(
                            NodeKind.HOUSEHOLD,
                            party_household_name(_person(rng), unit, room),
                            f"{building.code}-{h + 1}",
                        )
                    )
    return street


def _number(root):
    """Nested-set numbers for an in-memory tree, without recursion."""
    counter = 0
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        counter += 1
        if done:
            node.rght = counter
            continue
        node.lft = counter
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.children))


def _insert(root):
    _number(root)
    with write_lock({NEW_TREE}):
        last = OrgNode.objects.order_by("-tree_id").values_list("tree_id", flat=True).first()
        tree_id = (last or 0) + 1
        level, parent_ids = [root], {id(root): None}
        depth = 0
        while level:
            rows = [
                OrgNode(
                    kind=n.kind,
                    name=n.name,
                    code=n.code,
                    place_name=n.place,
                    latitude=n.latitude,
                    longitude=n.longitude,
                    parent_id=parent_ids[id(n)],
                    lft=n.lft,
                    rght=n.rght,
                    level=depth,
                    tree_id=tree_id,
                )
                for n in level
            ]
            OrgNode.objects.bulk_create(rows, batch_size=2000)
            for node, row in zip(level, rows, strict=True):
                for child in node.children:
                    parent_ids[id(child)] = row.pk
            level = [child for node in level for child in node.children]
            depth += 1


def build_streets(*, scale=0):
    """Create the demo streets that do not exist yet (with `scale`, the district's nine other
    streets too, each for about `scale` households); return how many were created."""
    specs = [(STREETS[0], DEMO_STREET)]
    if scale:
        specs += [(street, district_street(scale)) for street in STREETS[1:]]
    existing = set(OrgNode.objects.filter(parent__isnull=True).values_list("code", flat=True))
    created = 0
    for index, ((code, name), size) in enumerate(specs):
        if code in existing:
            continue
        _insert(_layout(code, name, size, random.Random(code), index))
        created += 1
    return created


# username, full name, role, code of the node, staff
DEMO_USERS = [
    ("admin", "系统管理员", "", None, True),
    ("street_cadre", "李明华", Role.STREET_CADRE, "HX", True),
    ("community_cadre", "王秀英", Role.COMMUNITY_CADRE, "HX-01", True),
    ("grid_worker", "张志强", Role.GRID_WORKER, "HX-01-01", False),
    ("dept_handler", "赵国华", Role.DEPARTMENT_HANDLER, "HX", False),
    ("volunteer", "陈海燕", Role.VOLUNTEER, "HX-01", False),
    ("partner", "刘志远", Role.VOLUNTEER, "HX-01", False),
]


def district_streets():
    """The district's streets other than the demo street, in the order they were built."""
    return (
        OrgNode.objects.filter(kind=NodeKind.STREET, parent__isnull=True)
        .exclude(code=DEMO_STREET_CODE)
        .order_by("tree_id")
    )


def seed(*, scale=0):
    """`scale`: households per district street (0: the demo street alone)."""
    streets = build_streets(scale=scale)
    users = create_demo_users()
    created = {"streets": streets, "users": len(users), "community cadres": community_cadres()}
    if scale:
        created["community cadres"] += sum(community_cadres(s.code) for s in district_streets())
    return created


def community_cadres(street_code=DEMO_STREET_CODE):
    """A cadre for each community of the street without one, so every community's steps have
    someone who took them (no login: the demo logs in as `community_cadre`)."""
    rng = random.Random("cadres" if street_code == DEMO_STREET_CODE else f"cadres-{street_code}")
    communities = OrgNode.objects.filter(parent__code=street_code, kind=NodeKind.COMMUNITY)
    staffed = set(
        User.objects.filter(role=Role.COMMUNITY_CADRE, node__in=communities).values_list(
            "node_id", flat=True
        )
    )
    made = [
        User(
            username=f"cadre_{community.code}",
            full_name=_person(rng),
            role=Role.COMMUNITY_CADRE,
            node=community,
            is_staff=True,
            is_party_member=True,
            password="!",
        )
        for community in communities.order_by("lft")
        if community.pk not in staffed
    ]
    User.objects.bulk_create(made)
    return len(made)


PARTY_MEMBERS = {"street_cadre", "community_cadre", "volunteer"}


def create_demo_users():
    """The demo logins, one per role; existing accounts are left exactly as they are."""
    nodes = {n.code: n for n in OrgNode.objects.filter(code__in={u[3] for u in DEMO_USERS})}
    # One hash for the shared password: hashing is slow on purpose, seven times is seconds.
    password = make_password(DEMO_PASSWORD)
    created = []
    for username, full_name, role, code, staff in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            node=nodes.get(code),
            is_staff=staff,
            is_superuser=username == "admin",
            is_party_member=username in PARTY_MEMBERS,
            mobile=f"139{zlib.crc32(username.encode()) % 10**8:08d}",
        )
        user.password = password
        user.save()
        created.append(username)
    return created
