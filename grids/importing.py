"""The Excel import of the grid registers: one sheet of residents, a row each, read with
openpyxl (parse_workbook), checked row by row against the importer's area (check), then the
valid rows written in one transaction, keyed so that importing a file again changes nothing
(apply). An import adds and updates but never deletes: a blank cell keeps what is on record,
listed tags are added, and only an explicit 否 clears party membership or unit head."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from governance import sheet_imports
from governance.models import NodeKind, OrgNode, mainland_mobile
from governance.scope import in_scope
from governance.sheet_imports import Column, RowError
from grids.models import BuildingProfile, Household, Resident, ResidentTag

PARTY_TAG = "党员"
MAX_PEOPLE = 999
TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")

COLUMNS = (
    Column("building", gettext_noop("building code"), ("楼栋编码", "楼栋编号", "楼栋代码"), True),
    Column("unit", gettext_noop("unit"), ("单元", "单元号"), True),
    Column("room", gettext_noop("room"), ("房号", "房间号", "门牌号"), True),
    Column("size", gettext_noop("household size"), ("户人数", "家庭人数", "人数")),
    Column("name", gettext_noop("resident name"), ("姓名", "居民姓名"), True),
    Column("mobile", gettext_noop("mobile"), ("手机号", "手机", "手机号码")),
    Column("birth_year", gettext_noop("birth year"), ("出生年份", "出生年")),
    Column("tags", gettext_noop("tags"), ("标签",)),
    Column("party_member", gettext_noop("party member"), ("党员", "是否党员")),
    Column("unit_head", gettext_noop("unit head"), ("单元长", "是否单元长")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


# The rows an import left out, kept for the cadre to mend and upload again.
LEFT_OUT = sheet_imports.LeftOut("grids-import-rejected", COLUMNS)


def parse_workbook(upload):
    return sheet_imports.parse_workbook(upload, COLUMNS)


# --- Checking the rows


@dataclass
class Checked:
    """One row: its errors, or its clean values. `values` holds only the resident's fields
    filled in the file, so blank cells leave what is on record."""

    row: dict
    errors: list = field(default_factory=list)
    building: OrgNode | None = None
    size: int | None = None
    values: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    party: bool | None = None

    @property
    def ok(self):
        return not self.errors

    @property
    def household_key(self):
        return (self.building.pk, self.row["unit"], self.row["room"])

    def fail(self, key, reason):
        self.errors.append(RowError(self.row["row"], COLUMN_BY_KEY[key].title(), reason))


def _whole(text):
    return int(text) if text.isdecimal() else None


def _yes_no(item, key):
    try:
        return sheet_imports.yes_no(item.row[key])
    except ValueError:
        item.fail(key, _("Write 是 or 否 (yes or no)."))
        return None


def check(rows, *, user):
    """Each row checked, in file order (two queries whatever the size: buildings and tags).
    A row's errors are RowError(row number, column, reason), reasons in the user's language."""
    codes = {row["building"] for row in rows}
    buildings = {
        node.code: node
        for node in OrgNode.objects.filter(kind=NodeKind.BUILDING, code__in=codes - {""})
    }
    tags = {tag.name: tag for tag in ResidentTag.objects.all()}
    latest_year = timezone.localdate().year
    residents_seen, sizes_seen, results = {}, {}, []
    for row in rows:
        item = Checked(row)
        results.append(item)
        building = buildings.get(row["building"])
        if not row["building"]:
            item.fail("building", _("This field is required."))
        elif building is None:
            item.fail("building", _("No building has this code."))
        elif not in_scope(user, building):
            item.fail("building", _("This building is not in your area."))
        else:
            item.building = building
        for key, limit in (("unit", 10), ("room", 10), ("name", 50)):
            if not row[key]:
                item.fail(key, _("This field is required."))
            elif len(row[key]) > limit:
                item.fail(key, _("At most %(n)d characters.") % {"n": limit})

        if row["size"]:
            item.size = _whole(row["size"])
            if item.size is None or not 1 <= item.size <= MAX_PEOPLE:
                item.fail(
                    "size", _("Enter a number of people from 1 to %(max)d.") % {"max": MAX_PEOPLE}
                )
        mobile = re.sub(r"[\s-]", "", row["mobile"])
        if mobile:
            try:
                mainland_mobile(mobile)
                item.values["mobile"] = mobile
            except ValidationError as error:
                item.fail("mobile", error.messages[0])
        if row["birth_year"]:
            year = _whole(row["birth_year"])
            if year is None or not 1900 <= year <= latest_year:
                item.fail(
                    "birth_year", _("Enter a year from 1900 to %(year)d.") % {"year": latest_year}
                )
            else:
                item.values["birth_year"] = year
        unit_head = _yes_no(item, "unit_head")
        if unit_head is not None:
            item.values["unit_head"] = unit_head

        names = [name for name in TAG_SEPARATORS.split(row["tags"]) if name]
        item.party = _yes_no(item, "party_member")
        if item.party:
            names.append(PARTY_TAG)
        elif item.party is False and PARTY_TAG in names:
            item.fail("party_member", _("The tags column says 党员."))
        unknown = [name for name in dict.fromkeys(names) if name not in tags]
        if unknown:
            item.fail("tags", _("Unknown tag: %(tags)s.") % {"tags": "、".join(unknown)})
        item.tags = [tags[name] for name in dict.fromkeys(names) if name in tags]

        # Within the file: one row per resident, one size per room.
        room = (row["building"], row["unit"], row["room"])
        first = residents_seen.setdefault((*room, row["name"]), row["row"])
        if first != row["row"]:
            item.fail("name", _("The same resident as row %(row)d.") % {"row": first})
        if item.size is not None:
            size, first = sizes_seen.setdefault(room, (item.size, row["row"]))
            if size != item.size:
                item.fail("size", _("Differs from row %(row)d for the same room.") % {"row": first})
    return results


# --- Writing them


@dataclass
class Outcome(sheet_imports.Outcome):
    """Residents counted by row, and the households the rows added."""

    households_created: int = 0

    def counts(self):
        return {**super().counts(), "households": self.households_created}


def apply(rows, *, user, dry_run=False):
    """Import the rows that pass check() in one transaction (all of them or none); the others
    are reported and left out. Households are keyed by (building, unit, room), residents by
    (household, name), so the same file imported twice creates nothing the second time.
    A dry run does the same work and rolls it back, so a preview counts what a confirm does."""
    checked = check(rows, user=user)
    outcome = Outcome(errors=[error for item in checked for error in item.errors])
    valid = [item for item in checked if item.ok]
    with transaction.atomic():
        households, resized = _households(valid, outcome)
        _residents(valid, households, resized, outcome)
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _households(valid, outcome):
    """The households the rows name, created where missing (with their building's profile)
    and locked, so that a concurrent import of the same rooms waits instead of doubling them."""
    buildings = {item.building.pk for item in valid}
    BuildingProfile.objects.bulk_create(
        [BuildingProfile(building_id=pk) for pk in buildings], ignore_conflicts=True
    )
    sizes = {}
    for item in valid:
        if item.size is not None:
            sizes.setdefault(item.household_key, item.size)

    def on_record():
        found = Household.objects.select_for_update().filter(building_id__in=buildings)
        return {(h.building_id, h.unit, h.room): h for h in found}

    households = on_record()
    missing = {item.household_key for item in valid} - households.keys()
    if missing:
        Household.objects.bulk_create(
            [
                Household(building_id=b, unit=u, room=r, size=sizes.get((b, u, r), 1))
                for b, u, r in missing
            ],
            ignore_conflicts=True,  # a concurrent import made it first: use theirs
        )
        households = on_record()
    resized = [h for key, h in households.items() if sizes.get(key, h.size) != h.size]
    for household in resized:
        household.size = sizes[(household.building_id, household.unit, household.room)]
    Household.objects.bulk_update(resized, ["size"])
    outcome.households_created = len(missing)
    return households, {(h.building_id, h.unit, h.room) for h in resized}


def _residents(valid, households, resized, outcome):
    """Residents created or brought up to date; the queries grow only with the rows that
    change something. A row that gave its room a new size counts as an update too."""
    on_record = {}
    found = Resident.objects.filter(household__in=list(households.values()))
    for resident in found.prefetch_related("tags").order_by("pk"):
        on_record.setdefault((resident.household_id, resident.name), resident)  # oldest wins
    party = ResidentTag.objects.filter(name=PARTY_TAG).first()
    Link = Resident.tags.through
    links, unparty = [], []
    for item in valid:
        household = households[item.household_key]
        resident = on_record.get((household.pk, item.row["name"]))
        created, changed, has = resident is None, [], set()
        if created:
            resident = Resident.objects.create(
                household=household, name=item.row["name"], **item.values
            )
        else:
            changed = [key for key, value in item.values.items() if getattr(resident, key) != value]
            for key in changed:
                setattr(resident, key, item.values[key])
            if changed:
                resident.save(update_fields=changed)
            has = {tag.pk for tag in resident.tags.all()}
        new_tags = {tag.pk for tag in item.tags} - has
        links += [Link(resident_id=resident.pk, residenttag_id=pk) for pk in new_tags]
        drops_party = item.party is False and party is not None and party.pk in has
        if drops_party:
            unparty.append(resident.pk)
        if created:
            outcome.created += 1
        elif changed or new_tags or drops_party or (item.size and item.household_key in resized):
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    Link.objects.bulk_create(links)
    if unparty:
        Link.objects.filter(resident_id__in=unparty, residenttag=party).delete()
