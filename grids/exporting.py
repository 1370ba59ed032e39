"""The Excel export of the grid registers, and the blank import template. Residents go out in
the import's own columns, so a cadre can edit an export and import it again; names and
mobiles are masked for viewers who must not see them (grids.privacy).

The importer reads the header in row 1 of the first sheet, so the residents sheet and the
template carry their title (area and day) in the printed page header, not in a row above."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.scope import scope_root
from governance.workbooks import COUNT, TEXT, Column
from grids.importing import COLUMNS, PARTY_TAG
from grids.models import Household, Resident
from grids.privacy import shown_mobile, shown_name

TREE_ORDER = ("building__tree_id", "building__lft", "unit", "room")


def _sheet(model):
    return str(model._meta.verbose_name_plural)


# The import's columns, by key, that hold numbers (the others are text, as the importer reads).
NUMERIC = {"size", "birth_year"}


def _columns():
    return [Column(column.title(), COUNT if column.key in NUMERIC else TEXT) for column in COLUMNS]


def _heading(user):
    root = scope_root(user)
    return workbooks.heading(workbooks.area_name(root), as_of=timezone.localdate())


def write_template(stream):
    """A workbook with the header row only: the residents sheet cadres fill in (no title row:
    the importer reads the header in row 1)."""
    workbook = Workbook(write_only=True)
    workbooks.write_table(workbook, sheet_title=_sheet(Resident), columns=_columns(), rows=[])
    workbook.save(stream)


def write_registers_workbook(*, user, stream):
    """The user's subtree: residents (first sheet, importable) and households, streamed row by
    row in a fixed number of queries per 2000 rows."""
    yes, no = _("Yes"), _("No")
    title = _heading(user)
    workbook = Workbook(write_only=True)
    residents = (
        Resident.objects.visible_to(user)
        .select_related("household__building")
        .prefetch_related("tags")
        .order_by(*(f"household__{path}" for path in TREE_ORDER), "pk")
    )

    def resident_rows():
        for resident in residents.iterator(chunk_size=2000):
            household = resident.household
            building = household.building
            tags = [tag.name for tag in resident.tags.all()]
            yield (
                building.code,
                household.unit,
                household.room,
                household.size,
                shown_name(user, resident, building),
                shown_mobile(user, resident, building),
                resident.birth_year,
                "、".join(tag for tag in tags if tag != PARTY_TAG),
                yes if PARTY_TAG in tags else no,
                yes if resident.unit_head else no,
                building.place,
            )

    workbooks.write_table(
        workbook,
        sheet_title=_sheet(Resident),
        title=title,
        title_row=False,  # the importer reads the header in row 1
        columns=[*_columns(), Column(_("building"))],
        rows=resident_rows(),
    )

    households = (
        Household.objects.visible_to(user)
        .select_related("building")
        .annotate(on_record=Count("residents"))
        .order_by(*TREE_ORDER)
    )
    workbooks.write_table(
        workbook,
        sheet_title=_sheet(Household),
        title=title,
        columns=[
            *_columns()[:4],
            Column(_("residents on record"), COUNT),
            Column(_("building")),
        ],
        rows=(
            (
                household.building.code,
                household.unit,
                household.room,
                household.size,
                household.on_record,
                household.building.place,
            )
            for household in households.iterator(chunk_size=2000)
        ),
    )
    workbook.save(stream)
