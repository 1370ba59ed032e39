"""README, "Excel import and export": the community cadre downloads the blank template at
/grids/import/, uploads a sheet with Chinese headers, reads the dry-run preview (rows to add,
every bad row with its row number, column and reason), confirms, and importing the same file
again changes nothing; the registers of the area export as .xlsx."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grids.models import Household, Resident, ResidentTag
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


HEADERS = [
    "楼栋编码",
    "单元",
    "房号",
    "户人数",
    "姓名",
    "手机号",
    "出生年份",
    "标签",
    "党员",
    "单元长",
]
ROWS = [
    ["HX-01-01-01", "1", "101", 2, "张建国", "13912340001", 1948, "独居老人", "否", "是"],
    ["HX-01-01-01", "1", "101", 2, "李秀英", "", 1950, "", "否", "否"],
    ["HX-01-01-02", "2", "302", 3, "王志强", "13800001234", 1980, "党员", "是", "否"],
    ["HX-99-99-99", "1", "101", 1, "赵四", "", 1970, "", "否", "否"],  # no such building
]


def sheet():
    book = Workbook()
    book.active.append(HEADERS)
    for row in ROWS:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return {
        "name": "居民名册.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": buffer.getvalue(),
    }


@pytest.fixture
def world(transactional_db):
    # The migrations' tags, flushed by the live server's transactional tests before this one.
    for name, vulnerable in (("独居老人", True), ("党员", False)):
        ResidentTag.objects.get_or_create(name=name, defaults={"vulnerable": vulnerable})
    return red_star_street()


def test_community_cadre_imports_the_registers(world, person):
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.goto(reverse("home"))
    cadre.click_link(zh("Import the registers"), within="main")
    cadre.wait_for_path(reverse("grids-import"))
    cadre.shot("import-page")
    template = cadre.fetch(
        cadre.page.get_by_role("link", name=zh("Download the blank template (.xlsx)"))
    )
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.body())).active.rows)]
    assert len(headers) == len(HEADERS), headers

    # Upload: a dry-run preview; nothing is saved until the cadre confirms.
    cadre.page.locator("main form input[type=file]").set_input_files([sheet()])
    cadre.submit("main form")
    preview = cadre.text()
    assert Resident.objects.count() == 0
    errors = cadre.page.locator("main table.data tbody tr").all_inner_texts()
    assert len(errors) == 1 and errors[0].startswith("5"), errors  # sheet row 5, the 4th
    assert zh("building code") in errors[0] or "楼栋编码" in errors[0], errors
    assert summary(valid=3, created=3, households=2) in preview
    cadre.shot("preview")
    # Download these rows with their reasons: the row number, why, the cells as typed.
    left_out = cadre.fetch(
        cadre.page.get_by_role("link", name=zh("Download these rows with their reasons (.xlsx)"))
    )
    book = load_workbook(io.BytesIO(left_out.body()))
    cells = [c.value for sheet in book.worksheets for row in sheet.rows for c in row]
    assert "HX-99-99-99" in cells and "赵四" in cells and 5 in cells, cells
    cadre.submit("main form[action] >> nth=0")
    assert Resident.objects.count() == 3 and Household.objects.count() == 2
    cadre.shot("imported")

    # The same file again changes nothing.
    cadre.goto(reverse("grids-import"))
    cadre.page.locator("main form input[type=file]").set_input_files([sheet()])
    cadre.submit("main form")
    assert summary(valid=3, unchanged=3) in cadre.text()
    cadre.shot("preview-again")
    cadre.submit("main form[action] >> nth=0")
    assert Resident.objects.count() == 3 and Household.objects.count() == 2

    # The registers of the area as .xlsx.
    cadre.goto(reverse("grids-import"))
    export = cadre.fetch(
        cadre.page.get_by_role("link", name=zh("Export the registers of your area (.xlsx)"))
    )
    book = load_workbook(io.BytesIO(export.body()))
    cells = {cell.value for sheet in book.worksheets for row in sheet.rows for cell in row}
    assert {"张建国", "李秀英", "王志强"} <= cells


def summary(*, valid, created=0, updated=0, unchanged=0, households=0):
    """The preview's sentence, as the page words it."""
    return zh(
        "%(valid)s rows can be imported: %(created)s new residents, %(updated)s updated, "
        "%(unchanged)s unchanged; %(households)s new households."
    ) % {
        "valid": valid,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "households": households,
    }
