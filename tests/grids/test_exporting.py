"""How the registers workbook and the import template read in Excel: the residents sheet keeps
its header in row 1 (the importer reads it there) with the title in the printed page header;
households have a title row; headers frozen, widths sized, numbers as number cells."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance import workbooks
from grids import importing
from tests.grids.test_import import GOOD, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client_for, cadre_a):
    importing.apply(importing.parse_workbook(xlsx(GOOD)), user=cadre_a)
    content = client_for(cadre_a).get(reverse("grids-export")).content
    return content, load_workbook(BytesIO(content)).worksheets


def test_residents_keep_the_header_in_row_1_and_the_title_in_print(exported, cadre_a):
    content, (residents, _households) = exported
    title = workbooks.heading("红旗社区党委", as_of=timezone.localdate())
    assert residents.oddHeader.center.text == title
    assert residents.freeze_panes == "A2" and all(c.font.b for c in residents[1])
    assert [c.value for c in residents[1]][:5] == [c.title() for c in importing.COLUMNS[:5]]
    outcome = importing.apply(
        importing.parse_workbook(SimpleUploadedFile("e.xlsx", content)), user=cadre_a
    )
    assert (outcome.errors, outcome.created, outcome.unchanged) == ([], 0, 3)


def test_cells_are_typed_and_columns_sized(exported):
    _content, (residents, _households) = exported
    row = next(r for r in residents.iter_rows(min_row=2) if r[4].value == "欧阳娜娜")
    # Size and birth year are numbers; unit and room stay text, as the importer reads them.
    assert [(c.value, c.data_type) for c in row[:4]] == [
        ("HX-01-01-01", "s"),
        ("1", "s"),
        ("101", "s"),
        (3, "n"),
    ]
    assert (row[6].value, row[6].data_type) == (1950, "n")
    # Columns as wide as their widest text, plus padding: the building code (11 characters,
    # wider than its header) and the tags (7 CJK characters and a wide comma: 16).
    header = workbooks.display_width(residents["A1"].value)
    assert residents.column_dimensions["A"].width == max(11, header) + 2
    assert residents.column_dimensions["H"].width == 16 + 2


def test_households_have_a_title_row_and_a_frozen_header(exported):
    _content, (_residents, households) = exported
    assert households["A1"].value == workbooks.heading("红旗社区党委", as_of=timezone.localdate())
    assert households.freeze_panes == "A3"
    codes = [r[0] for r in households.iter_rows(min_row=3, values_only=True)]
    assert codes == ["HX-01-01-01", "HX-01-01-02"]
    on_record = [r[4] for r in households.iter_rows(min_row=3, values_only=True)]
    assert on_record == [2, 1]


def test_the_template_has_its_header_in_row_1_and_reads_in_the_importer(client_for, cadre_a):
    response = client_for(cadre_a).get(reverse("grids-import-template"))
    (sheet,) = load_workbook(BytesIO(response.content)).worksheets
    assert [c.value for c in sheet[1]] == [c.title() for c in importing.COLUMNS]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 1
    assert all(sheet.column_dimensions[c].width >= 6 for c in "ABCDEFGHIJ")
    with pytest.raises(ValidationError, match="no rows|没有"):
        importing.parse_workbook(SimpleUploadedFile("t.xlsx", response.content))
