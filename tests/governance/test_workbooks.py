"""The one cell writer: text that Excel would read as a formula comes back from the saved file
as the same text in a string cell marked quotePrefix; numbers, dates and the rest keep their
types. Each export has its own test with a hostile name next to its other tests."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from governance import workbooks

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",  # no formula, but openpyxl would write it as an error cell
]


@pytest.fixture(params=["normal", "write-only"])
def write_only(request):
    return request.param == "write-only"


def saved_row(values, *, write_only):
    """The first row of a workbook holding `values`, as the file reads back."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Sheet") if write_only else book.active
    workbooks.append(sheet, values)
    stream = io.BytesIO()
    book.save(stream)
    return next(load_workbook(io.BytesIO(stream.getvalue())).active.iter_rows())


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_reads_as_a_formula_is_written_as_text(text, write_only):
    (cell,) = saved_row([text], write_only=write_only)
    assert cell.data_type == "s" and cell.data_type != "f"
    assert cell.quotePrefix  # stays text when a cadre edits the cell in Excel
    # XML reads every line end as "\n": openpyxl gives a stored "\r" back as "\n".
    assert cell.value == text.replace("\r", "\n")


def test_numbers_dates_and_empty_cells_keep_their_types(write_only):
    values = [-3, 2.5, Decimal("-1.50"), 0, True, date(2026, 1, 2), datetime(2026, 1, 2, 9, 30)]
    cells = saved_row([*values, None, "end"], write_only=write_only)
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "n", "b"]
    assert [c.value for c in cells[:5]] == [-3, 2.5, -1.5, 0, True]
    assert [(c.is_date, c.value) for c in cells[5:7]] == [
        (True, datetime(2026, 1, 2)),
        (True, datetime(2026, 1, 2, 9, 30)),
    ]
    assert cells[7].value is None and cells[8].value == "end"
    assert not any(c.quotePrefix for c in cells)


def test_ordinary_text_and_lazy_translations_are_plain_strings(write_only):
    with translation.override("en"):
        cells = saved_row(["王芳", "1-2", "a=b", gettext_lazy("Yes")], write_only=write_only)
    assert [(c.data_type, c.value, c.quotePrefix) for c in cells] == [
        ("s", "王芳", False),
        ("s", "1-2", False),
        ("s", "a=b", False),
        ("s", "Yes", False),
    ]


def test_row_after_row_each_cell_keeps_its_own_type(write_only):
    # openpyxl's write-only sheet reuses one cell for plain values: ours must not be clobbered.
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Sheet") if write_only else book.active
    workbooks.append(sheet, ["=1", "a", 2, "=3"])
    workbooks.append(sheet, ["b", "@4", None, 5])
    stream = io.BytesIO()
    book.save(stream)
    rows = load_workbook(io.BytesIO(stream.getvalue())).active.iter_rows()
    assert [[(c.value, c.quotePrefix) for c in row] for row in rows] == [
        [("=1", True), ("a", False), (2, False), ("=3", True)],
        [("b", False), ("@4", True), (None, False), (5, False)],
    ]
