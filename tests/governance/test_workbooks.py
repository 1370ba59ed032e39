"""The one cell writer: text that Excel would read as a formula comes back from the saved file
as the same text in a string cell marked quotePrefix; numbers, dates and the rest keep their
types. Each export has its own test with a hostile name next to its other tests."""

import io
from datetime import UTC, date, datetime, timedelta
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


# --- Tables: a title row, a frozen header, widths, typed and rounded cells


def saved_table(*, write_only, title="锦绣苑社区 · 2026-01-01 至 2026-06-30", **table):
    book = Workbook(write_only=write_only)
    workbooks.write_table(book, sheet_title="表", title=title, **table)
    stream = io.BytesIO()
    book.save(stream)
    return load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]


KINDS = [
    workbooks.Column("姓名"),
    workbooks.Column("Hours", workbooks.HOURS),
    workbooks.Column("Rate", workbooks.RATE),
    workbooks.Column("Median", workbooks.DURATION),
    workbooks.Column("Day", workbooks.DATE),
    workbooks.Column("At", workbooks.DATETIME),
    workbooks.Column("Month", workbooks.MONTH),
    "Count",
]


def test_a_table_has_its_title_a_frozen_header_and_typed_rounded_cells(write_only, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    at = datetime(2026, 3, 31, 17, 30, 40, tzinfo=UTC)  # 1 April 01:30 in Shanghai
    sheet = saved_table(
        write_only=write_only,
        columns=KINDS,
        rows=[
            (
                "王芳",
                Decimal("956.320000000001"),
                0.87349,
                timedelta(hours=51, minutes=29, seconds=50),
                at,
                at,
                date(2026, 3, 1),
                Decimal("3"),
            ),
            ("李娜", 0.1 + 0.2, None, None, date(2026, 1, 2), None, None, 7),
        ],
    )
    assert sheet.title == "表" and sheet.freeze_panes == "A3"
    title, header, first, second = sheet.iter_rows()
    assert (title[0].value, title[0].font.b) == ("锦绣苑社区 · 2026-01-01 至 2026-06-30", True)
    assert [c.value for c in header] == [
        "姓名",
        "Hours",
        "Rate",
        "Median",
        "Day",
        "At",
        "Month",
        "Count",
    ]
    assert all(c.font.b for c in header)
    assert [(c.value, c.data_type, c.number_format) for c in first] == [
        ("王芳", "s", "General"),
        (956.32, "n", "0.00"),
        (0.873, "n", "0.0%"),
        (timedelta(hours=51, minutes=30), "d", "[h]:mm"),
        (datetime(2026, 4, 1), "d", "yyyy-mm-dd"),
        (datetime(2026, 4, 1, 1, 30), "d", "yyyy-mm-dd hh:mm"),
        (datetime(2026, 3, 1), "d", "yyyy-mm"),
        (3, "n", "General"),
    ]
    assert (second[1].value, second[4].value) == (0.3, datetime(2026, 1, 2))
    assert [c.value for c in second[2:4]] == [None, None]


def test_columns_are_as_wide_as_their_content_with_cjk_counting_double(write_only):
    sheet = saved_table(
        write_only=write_only,
        columns=[
            "code",
            "姓名",
            workbooks.Column("note", width=30),
            workbooks.Column("d", workbooks.DATE),
        ],
        rows=[
            ("HX-01-01-01", "欧阳娜娜娜娜", "x", date(2026, 1, 1)),
            ("HX", "李娜", "y" * 90, None),
        ],
    )
    widths = {key: d.width for key, d in sheet.column_dimensions.items()}
    # 11 characters, 6 CJK characters (12), a fixed width, a date (10); each plus 2 of padding.
    assert widths == {"A": 13, "B": 14, "C": 30, "D": 12}
    assert workbooks.display_width("锦绣苑 1-101") == 12


def test_a_long_text_is_capped_and_the_title_does_not_widen_its_column(write_only):
    sheet = saved_table(write_only=write_only, title="标" * 40, columns=["a"], rows=[("b" * 200,)])
    assert sheet.column_dimensions["A"].width == workbooks.MAX_WIDTH


def test_a_sheet_an_importer_reads_has_its_header_in_row_1_and_its_title_in_print(write_only):
    sheet = saved_table(
        write_only=write_only,
        title="A & B · 2026",
        title_row=False,
        columns=["a", "b"],
        rows=[(1, 2)],
    )
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["a", "b"], [1, 2]]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:B2")
    assert sheet.oddHeader.center.text == "A && B · 2026"  # a lone "&" is a code to Excel


def test_the_header_row_has_a_filter_over_every_row_and_the_title_is_printed(write_only):
    sheet = saved_table(write_only=write_only, columns=["a", "b", "c"], rows=[(1, 2, 3)] * 4)
    assert sheet.auto_filter.ref == "A2:C6"
    assert sheet.oddHeader.center.text == "锦绣苑社区 · 2026-01-01 至 2026-06-30"


def test_rows_stream_past_the_width_sample(write_only):
    rows = (("x" * (i % 7), i) for i in range(workbooks.SAMPLE_ROWS * 2 + 3))
    sheet = saved_table(write_only=write_only, columns=["t", "n"], rows=rows, freeze_columns=1)
    assert sheet.max_row == workbooks.SAMPLE_ROWS * 2 + 5 and sheet.freeze_panes == "B3"
    assert sheet.cell(sheet.max_row, 2).value == workbooks.SAMPLE_ROWS * 2 + 2


def test_a_table_keeps_text_like_a_formula_as_text_in_title_header_and_cells(write_only):
    sheet = saved_table(
        write_only=write_only,
        title="=1+1 · 2026",
        columns=["@SUM(A1)", workbooks.Column("h", workbooks.HOURS)],
        rows=[("-2+3", "=1"), (workbooks.Typed("#N/A", workbooks.COUNT), 2)],
    )
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [(c.value, c.data_type, c.quotePrefix) for c in cells if c.data_type == "s"]
    assert texts == [
        ("=1+1 · 2026", "s", True),
        ("@SUM(A1)", "s", True),
        ("h", "s", False),
        ("-2+3", "s", True),
        ("=1", "s", True),
        ("#N/A", "s", True),
    ]


def test_a_figure_sheet_gives_each_cell_its_own_kind(write_only):
    sheet = saved_table(
        write_only=write_only,
        columns=["figure", "value"],
        rows=[
            ("rate", workbooks.Typed(0.5, workbooks.RATE)),
            ("h", workbooks.Typed(1.005, workbooks.HOURS)),
        ],
    )
    _title, _header, rate, hours = sheet.iter_rows()
    assert (rate[1].value, rate[1].number_format) == (0.5, "0.0%")
    assert (hours[1].value, hours[1].number_format) == (1.01, "0.00")


def test_the_heading_says_node_and_period_in_local_dates(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("en"):
        end = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)  # 1 July in Shanghai
        assert workbooks.heading("锦绣苑社区", date(2026, 1, 1), end) == (
            "锦绣苑社区 · 2026-01-01 to 2026-07-01"
        )
        assert workbooks.heading("锦绣苑社区", as_of=date(2026, 12, 2)) == (
            "锦绣苑社区 · as of 2026-12-02"
        )
        assert workbooks.heading("锦绣苑社区") == "锦绣苑社区"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        workbooks.Column("x", "money")
