"""The Excel export of the grid registers, and the blank import template. Residents go out in
the import's own columns, so a cadre can edit an export and import it again; names and
mobiles are masked for viewers who must not see them (grids.privacy)."""

from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from grids.importing import COLUMNS, PARTY_TAG
from grids.models import Household, Resident
from grids.privacy import shown_mobile, shown_name

TREE_ORDER = ("building__tree_id", "building__lft", "unit", "room")


def _sheet(model):
    return str(model._meta.verbose_name_plural)


def _headers():
    return [column.title() for column in COLUMNS]


def write_template(stream):
    """A workbook with the header row only: the residents sheet cadres fill in."""
    workbook = Workbook(write_only=True)
    workbooks.append(workbook.create_sheet(_sheet(Resident)), _headers())
    workbook.save(stream)


def write_registers_workbook(*, user, stream):
    """The user's subtree: residents (first sheet, importable) and households, streamed row by
    row in a fixed number of queries per 2000 rows."""
    yes, no = _("Yes"), _("No")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet(Resident))
    workbooks.append(sheet, [*_headers(), _("building")])
    residents = (
        Resident.objects.visible_to(user)
        .select_related("household__building")
        .prefetch_related("tags")
        .order_by(*(f"household__{path}" for path in TREE_ORDER), "pk")
    )
    for resident in residents.iterator(chunk_size=2000):
        household = resident.household
        building = household.building
        tags = [tag.name for tag in resident.tags.all()]
        workbooks.append(
            sheet,
            [
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
            ],
        )

    sheet = workbook.create_sheet(_sheet(Household))
    workbooks.append(sheet, [*_headers()[:4], _("residents on record"), _("building")])
    households = (
        Household.objects.visible_to(user)
        .select_related("building")
        .annotate(on_record=Count("residents"))
        .order_by(*TREE_ORDER)
    )
    for household in households.iterator(chunk_size=2000):
        building = household.building
        workbooks.append(
            sheet,
            [
                building.code,
                household.unit,
                household.room,
                household.size,
                household.on_record,
                building.place,
            ],
        )
    workbook.save(stream)
