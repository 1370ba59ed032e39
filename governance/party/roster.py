"""The party member roster of a user's area: filtered, counted and shown by the one masking
rule (governance.masking.sees_contact) on the page and in the export alike."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook

from governance import workbooks
from governance.masking import mask_mobile, mask_name, sees_contact
from governance.party import service_card
from governance.party.models import MemberKind, MemberStatus, PartyMember
from governance.party.roster_import import COLUMNS
from governance.scope import scope_root
from governance.workbooks import DATE, TEXT, Column


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    status: str = ""
    name: str = ""  # only for viewers who see names in full (a search would unmask them)

    @classmethod
    def from_query(cls, params, *, may_search):
        kind = params.get("kind", "")
        status = params.get("status", "")
        return cls(
            kind=kind if kind in MemberKind.values else "",
            status=status if status in MemberStatus.values else "",
            name=params.get("name", "").strip()[:50] if may_search else "",
        )

    def query(self):
        """The filters as a query string ending in "&" (or empty), for the pager's links."""
        chosen = {key: value for key, value in vars(self).items() if value}
        return f"{urlencode(chosen)}&" if chosen else ""


def members(user, filters=Filters()):
    listed = PartyMember.objects.visible_to(user).select_related("node", "unit")
    if filters.kind:
        listed = listed.filter(kind=filters.kind)
    if filters.status:
        listed = listed.filter(status=filters.status)
    if filters.name:
        listed = listed.filter(name__contains=filters.name)
    return listed.order_by("node__tree_id", "node__lft", "name", "pk")


def may_search_names(user):
    """Whether the user sees every name of their area in full (a name search would otherwise
    tell them who is on the roster)."""
    root = scope_root(user)
    return user.is_superuser or (root is not None and sees_contact(user, root))


def counts(user):
    """Members of the area by kind and by status, from one grouped query."""
    by = {
        (row["kind"], row["status"]): row["n"]
        for row in PartyMember.objects.visible_to(user)
        .values("kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {
        "total": sum(by.values()),
        "kinds": [
            (label, sum(n for (k, _s), n in by.items() if k == value))
            for value, label in MemberKind.choices
        ],
        "statuses": [
            (label, sum(n for (_k, s), n in by.items() if s == value))
            for value, label in MemberStatus.choices
        ],
    }


@dataclass(frozen=True)
class Row:
    """A member as this viewer may see them."""

    pk: int
    name: str
    mobile: str
    branch: str
    branch_code: str
    unit: str
    kind: str
    status: str
    joined_on: object
    workplace: str
    has_login: bool
    services: int | None = None  # this year, with `required` (on the roster page)
    required: int | None = None

    @property
    def behind(self):
        return self.services is not None and self.services < self.required


def shown(user, member):
    full = sees_contact(user, member.node)
    return Row(
        pk=member.pk,
        name=member.name if full else mask_name(member.name),
        mobile=member.mobile if full else mask_mobile(member.mobile),
        branch=member.node.place,
        branch_code=member.node.code,
        unit=member.unit.name if member.unit else "",
        kind=member.get_kind_display(),
        status=member.get_status_display(),
        joined_on=member.joined_on,
        workplace=member.workplace,
        has_login=member.user_id is not None,
    )


def rows_with_services(user, members):
    """A page of the roster, each row with this year's services against the requirement."""
    members = list(members)
    counts = service_card.year_counts(members, timezone.localdate().year)
    return [
        replace(shown(user, m), services=counts[m.pk][0], required=counts[m.pk][1]) for m in members
    ]


def _columns():
    return [
        Column(column.title(), DATE if column.key == "joined_on" else TEXT) for column in COLUMNS
    ]


def write_workbook(user, stream):
    """The area's roster in the import's own columns (a cadre can edit it and import it back),
    names and mobiles masked as on the page; streamed in chunks."""
    title = workbooks.heading(workbooks.area_name(scope_root(user)), as_of=timezone.localdate())
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=str(PartyMember._meta.verbose_name_plural),
        title=title,
        title_row=False,
        columns=_columns(),
        rows=(
            [r.branch_code, r.name, r.mobile, r.kind, r.status, r.joined_on, r.workplace, r.unit]
            for r in (shown(user, m) for m in members(user).iterator(chunk_size=2000))
        ),
    )
    workbook.save(stream)


def write_template(stream):
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=str(PartyMember._meta.verbose_name_plural),
        columns=_columns(),
        rows=[],
    )
    workbook.save(stream)
