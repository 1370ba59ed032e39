"""The Excel import of the party member roster (党员名册): one row per member, read and
previewed by governance.sheet_imports, checked against the importer's area, written in one
transaction keyed by (branch, name, mobile) so that the same file imported twice changes
nothing. Blank cells keep what is on record; an import adds and updates, never deletes."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from governance import sheet_imports
from governance.models import OrgNode, PartnerUnit, mainland_mobile
from governance.party.models import BRANCH_KINDS, MemberKind, MemberStatus, PartyMember
from governance.scope import in_scope
from governance.sheet_imports import Column, Outcome, RowError

COLUMNS = (
    Column("branch", gettext_noop("party organisation code"), ("组织编码", "支部编码"), True),
    Column("name", gettext_noop("name"), ("姓名", "党员姓名"), True),
    Column("mobile", gettext_noop("mobile"), ("手机号", "手机", "手机号码", "联系电话")),
    Column("kind", gettext_noop("membership"), ("党员类别", "类别", "正式/预备")),
    Column("status", gettext_noop("status"), ("状态", "党员状态")),
    Column("joined_on", gettext_noop("joined the party on"), ("入党时间", "入党日期")),
    Column("workplace", gettext_noop("workplace party organisation"), ("工作单位党组织",)),
    Column("unit", gettext_noop("unit party organisation"), ("所在单位党组织", "单位")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
LEFT_OUT = sheet_imports.LeftOut("party-roster-import-rejected", COLUMNS)

# The words rosters write for each choice, besides its label in each language of the site.
SHORT = {
    MemberKind.FULL: ("正式", "正式党员"),
    MemberKind.PROBATIONARY: ("预备", "预备党员"),
    MemberStatus.EMPLOYED: ("在职", "在职党员"),
    MemberStatus.RETIRED: ("退休", "退休党员"),
    MemberStatus.MOBILE: ("流动", "流动党员"),
    MemberStatus.LOST: ("失联", "失联党员"),
}
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")
FIELDS = ("kind", "status", "joined_on", "workplace", "unit_id")


def parse_workbook(upload):
    return sheet_imports.parse_workbook(upload, COLUMNS)


def _spellings(choices):
    spellings = {}
    for choice in choices:
        words = {choice.value, *SHORT.get(choice, ())}
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                words.add(str(choice.label))
        spellings.update({word.casefold(): choice.value for word in words})
    return spellings


def _date(text):
    """A date as rosters write it: 2019-07-01, 2019/7/1, 2019年7月1日, or a month (2019-07)."""
    found = DATE.match(text)
    if not found:
        return None
    year, month, day = (int(part) if part else 1 for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass
class Checked:
    row: dict
    errors: list = field(default_factory=list)
    node: OrgNode | None = None
    values: dict = field(default_factory=dict)  # only the fields filled in the file

    @property
    def ok(self):
        return not self.errors

    @property
    def key(self):
        return (self.node.pk, self.row["name"], self.values.get("mobile", ""))

    def fail(self, key, reason):
        self.errors.append(RowError(self.row["row"], COLUMN_BY_KEY[key].title(), reason))


def check(rows, *, user):
    """Each row checked, in file order, in three queries whatever the size (branches, units,
    members already on a roster)."""
    codes = {row["branch"] for row in rows} - {""}
    nodes = {node.code: node for node in OrgNode.objects.filter(code__in=codes)}
    units = {
        unit.name: unit
        for unit in PartnerUnit.objects.visible_to(user).filter(
            name__in={row["unit"] for row in rows} - {""}
        )
    }
    kinds, statuses = _spellings(MemberKind), _spellings(MemberStatus)
    today = timezone.localdate()
    results, seen = [], {}
    for row in rows:
        item = Checked(row)
        results.append(item)
        node = nodes.get(row["branch"])
        if not row["branch"]:
            item.fail("branch", _("This field is required."))
        elif node is None:
            item.fail("branch", _("No party organisation has this code."))
        elif node.kind not in BRANCH_KINDS:
            item.fail("branch", _("Choose a community party committee or a grid party branch."))
        elif not in_scope(user, node):
            item.fail("branch", _("This party organisation is not in your area."))
        else:
            item.node = node
        if not row["name"]:
            item.fail("name", _("This field is required."))
        elif len(row["name"]) > 50:
            item.fail("name", _("At most %(n)d characters.") % {"n": 50})
        mobile = re.sub(r"[\s-]", "", row["mobile"])
        if mobile:
            try:
                mainland_mobile(mobile)
                item.values["mobile"] = mobile
            except ValidationError as error:
                item.fail("mobile", error.messages[0])
        for key, spellings, choices in (
            ("kind", kinds, MemberKind),
            ("status", statuses, MemberStatus),
        ):
            if row[key]:
                value = spellings.get(row[key].casefold())
                if value is None:
                    item.fail(
                        key,
                        _("Write one of: %(choices)s.")
                        % {"choices": "、".join(str(label) for label in choices.labels)},
                    )
                else:
                    item.values[key] = value
        if row["joined_on"]:
            joined = _date(row["joined_on"])
            if joined is None:
                item.fail("joined_on", _("Write a date such as 2019-07-01."))
            elif joined > today:
                item.fail("joined_on", _("This date is in the future."))
            else:
                item.values["joined_on"] = joined
        if len(row["workplace"]) > 100:
            item.fail("workplace", _("At most %(n)d characters.") % {"n": 100})
        elif row["workplace"]:
            item.values["workplace"] = row["workplace"]
        if row["unit"]:
            unit = units.get(row["unit"])
            if unit is None:
                item.fail("unit", _("No partner unit of your area has this name."))
            else:
                item.values["unit_id"] = unit.pk
        if item.ok:
            first = seen.setdefault(item.key, row["row"])
            if first != row["row"]:
                item.fail("name", _("The same member as row %(row)d.") % {"row": first})
    _elsewhere(results)
    return results


def _elsewhere(results):
    """A member belongs to one party organisation: a row naming someone (name and mobile) on
    another branch's roster is refused, without saying whose roster when it is not the
    importer's to see."""
    keyed = [item for item in results if item.ok and item.values.get("mobile")]
    if not keyed:
        return
    on_record = {
        (name, mobile): node_id
        for name, mobile, node_id in PartyMember.objects.filter(
            name__in={item.row["name"] for item in keyed},
            mobile__in={item.values["mobile"] for item in keyed},
        ).values_list("name", "mobile", "node_id")
    }
    for item in keyed:
        node_id = on_record.get((item.row["name"], item.values["mobile"]))
        if node_id is not None and node_id != item.node.pk:
            item.fail(
                "branch",
                _("Already on another party organisation's roster: move the member there."),
            )


def apply(rows, *, user, dry_run=False):
    """Import the rows that pass check() in one transaction (all of them or none); a dry run
    does the same work and rolls it back, so the preview counts what the confirm does."""
    checked = check(rows, user=user)
    outcome = Outcome(errors=[error for item in checked for error in item.errors])
    valid = [item for item in checked if item.ok]
    with transaction.atomic():
        on_record = {
            (m.node_id, m.name, m.mobile): m
            for m in PartyMember.objects.select_for_update().filter(
                node__in={item.node.pk for item in valid},
                name__in={item.row["name"] for item in valid},
            )
        }
        new, changed = [], []
        for item in valid:
            member = on_record.get(item.key)
            if member is None:
                new.append(PartyMember(node=item.node, name=item.row["name"], **item.values))
                continue
            fields = [key for key in FIELDS if key in item.values]
            if any(getattr(member, key) != item.values[key] for key in fields):
                for key in fields:
                    setattr(member, key, item.values[key])
                member.updated_at = timezone.now()  # bulk_update skips auto_now
                changed.append(member)
            else:
                outcome.unchanged += 1
        # A concurrent import of the same rows made them first: theirs stand.
        PartyMember.objects.bulk_create(new, ignore_conflicts=True)
        PartyMember.objects.bulk_update(changed, [*FIELDS, "updated_at"])
        outcome.created, outcome.updated = len(new), len(changed)
        if dry_run:
            transaction.set_rollback(True)
    return outcome
