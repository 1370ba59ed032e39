"""The one way the portal writes workbook cells. Every Excel export writes its sheets with
write_table() (or appends its rows through append()), so that

- text from people (a resident's name, a place, a volunteer's name) can never become a live
  formula when a cadre opens the file (OWASP: CSV / formula injection);
- every sheet reads the same way: a title row saying node and period, a bold header row that
  stays in view (frozen), columns as wide as their content (CJK characters count double);
- numbers are real numbers, rounded the way people read them (hours to 2 decimals, rates as
  per-cent cells), dates are date cells (yyyy-mm-dd) and durations Excel time cells ([h]:mm),
  never text, so a cadre can sum, sort and filter them.

    workbooks.write_table(book, sheet_title=_("By team"), title=heading(node.place, start, end),
                          columns=[Column(_("Team")), Column(_("Approved hours"), HOURS)],
                          rows=[(team.name, hours) for ...])

Write-only (streaming) workbooks stay streaming: a sheet's widths and frozen rows must be set
before its first row, so widths are measured on the first SAMPLE_ROWS rows, then every row is
written as it comes."""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, islice

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from governance.formatting import COUNT, DURATION, HOURS, RATE

# Text starting with one of these is a formula to Excel or LibreOffice: at once ("="), or once
# someone edits the cell or saves the sheet as CSV (the others, after OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The kinds of a column (the command center's figure formats are among them).
TEXT, NUMBER, DATE, DATETIME, MONTH = "text", "number", "date", "datetime", "month"
KINDS = (TEXT, COUNT, NUMBER, HOURS, RATE, DURATION, DATE, DATETIME, MONTH)
# Counts and plain numbers keep Excel's General format (no "5." for a whole number).
NUMBER_FORMATS = {
    HOURS: "0.00",
    RATE: "0.0%",
    DURATION: "[h]:mm",  # hours past 24 keep counting: 51:30 is two days and 3.5 hours
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    MONTH: "yyyy-mm",
}
# How wide a kind's cells read, in characters, when their text does not say.
SAMPLE_ROWS = 500  # rows held back to measure widths before a write-only sheet streams
MIN_WIDTH, MAX_WIDTH = 6, 60
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFEDEDED")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the kind of its cells and, if fixed, its width (in
    characters; by default as wide as its header and content)."""

    header: str
    kind: str = TEXT
    width: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Typed:
    """One cell of another kind than its column's: a sheet of figures, each with its own."""

    value: object
    kind: str


def area_name(root):
    """What a sheet covers: the viewer's scope root, or the whole district for a superuser."""
    return root.place if root is not None else _("All streets")


def heading(place, start=None, end=None, *, as_of=None):
    """A sheet's title: "锦绣苑社区 · 2026-01-01 至 2026-06-30", or "… · 截至 2026-12-02" for
    a register as it stands on a day. Dates or datetimes (read in local time)."""
    parts = [str(place)]
    if start is not None and end is not None:
        parts.append(
            pgettext("workbook title period", "%(start)s to %(end)s")
            % {"start": _day(start), "end": _day(end)}
        )
    elif as_of is not None:
        parts.append(pgettext("workbook title", "as of %(date)s") % {"date": _day(as_of)})
    return " · ".join(parts)


def write_table(
    target, *, columns, rows, title=None, title_row=True, sheet_title=None, freeze_columns=0
):
    """Write a table to a new sheet of the workbook `target` (named `sheet_title`; an untouched
    first sheet of a normal workbook is reused) or to an empty sheet `target`, and return the
    sheet.

    `title` (see heading()) goes in row 1 above the header and in the printed page's header;
    with `title_row=False` (a sheet an importer reads back, whose header must be row 1) only
    in the printed page's header. `columns` are Column or header text (a text column); `rows`
    any iterable of sequences in the columns' order, each value None (an empty cell), a
    number, a date or datetime, a timedelta (DURATION), text or a Typed. `freeze_columns`
    keeps that many left columns in view too. The header row gets a filter."""
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    sheet = _sheet(target, sheet_title)
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))

    # Widths and frozen panes first: a write-only sheet writes them before its first row.
    for index, column in enumerate(columns, 1):
        width = column.width or _fitting_width(column, index - 1, sample)
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if title is not None and title_row else 1
    sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
    if title is not None:
        sheet.oddHeader.center.text = str(title).replace("&", "&&")  # "&" starts a code there

    if header_row == 2:
        sheet.append([_styled(sheet, title, font=TITLE_FONT)])
    sheet.append(
        [_styled(sheet, column.header, font=HEADER_FONT, fill=HEADER_FILL) for column in columns]
    )
    last_row = header_row
    for row in chain(sample, rows):
        sheet.append(
            [cell(sheet, value, column.kind) for value, column in zip(row, columns, strict=True)]
        )
        last_row += 1
    # A write-only sheet writes its filter after the rows, so it can span them all.
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
    return sheet


def cell(sheet, value, kind=TEXT):
    """One cell of `sheet` holding `value` as a `kind` cell: rounded, typed and formatted.
    Text goes through safe_value()."""
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    value = _typed_value(value, kind)
    if value is None:
        return None
    if isinstance(value, str):
        return safe_value(sheet, value)
    number_format = NUMBER_FORMATS.get(kind)
    if number_format is None and isinstance(value, dt.date):
        number_format = NUMBER_FORMATS[DATETIME if isinstance(value, dt.datetime) else DATE]
    if number_format is None:
        return value
    written = WriteOnlyCell(sheet, value)
    written.number_format = number_format
    return written


def safe_value(sheet, value):
    """What to hand openpyxl for one cell of `sheet`. None, numbers (negative ones too), dates
    and Decimals pass through as typed cells; lazy translations become str; text that reads as
    a formula (or an error code such as "#N/A") becomes a string cell with quotePrefix, which
    reads back as the same text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES):
        cell = WriteOnlyCell(sheet, value)  # a detached cell: both kinds of worksheet take one
        cell.data_type = "s"  # openpyxl made "=…" a formula ("f") and "#N/A" an error ("e")
        cell.quotePrefix = True  # Excel's leading apostrophe: still text once the cell is edited
        return cell
    return value


def append(sheet, values):
    """Append one row of values to a normal or write-only worksheet (no kinds: prefer
    write_table, which rounds, types and formats)."""
    sheet.append([safe_value(sheet, value) for value in values])


def display_width(text):
    """How many character widths `text` takes in Excel: CJK (wide) characters count two."""
    lines = str(text).split("\n") or [""]
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines
    )


# --- Within


def _sheet(target, sheet_title):
    if not isinstance(target, Workbook):
        return target
    if not target.write_only and len(target.worksheets) == 1:
        first = target.worksheets[0]
        # No cells yet (asking for A1 would make one, and rows would start below it).
        if not first._cells:
            if sheet_title:
                first.title = str(sheet_title)
            return first
    return target.create_sheet(str(sheet_title) if sheet_title else None)


def _local(value):
    """An aware datetime in local time without its zone (Excel has no time zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _day(value):
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return f"{value:%Y-%m-%d}"


def _typed_value(value, kind):
    """`value` as the `kind` cell stores it (None stays None; text stays text)."""
    if value is None or isinstance(value, (str, Promise, bool)):
        return str(value) if isinstance(value, Promise) else value
    if kind in (HOURS, NUMBER) and isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    if kind == RATE and isinstance(value, (int, float, Decimal)):
        # A fraction shown as per cent; 3 decimals is the 0.1% the cell shows.
        return Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if kind == COUNT and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if kind == DURATION and isinstance(value, dt.timedelta):
        return dt.timedelta(minutes=round(value.total_seconds() / 60))
    if isinstance(value, dt.datetime):
        value = _local(value)
        if kind in (DATE, MONTH):
            return value.date()
        return value.replace(second=0, microsecond=0) if kind == DATETIME else value
    if isinstance(value, float):
        return round(value, 2)  # no 956.320000000001 in a column of no stated kind
    return value


def _shown(value, kind):
    """Roughly the text Excel shows for a cell, to size its column."""
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    value = _typed_value(value, kind)
    if value is None or isinstance(value, str):
        return value or ""
    if kind == RATE:
        return "100.0%"
    if isinstance(value, dt.timedelta):
        return "000:00"
    if isinstance(value, dt.datetime):
        return "2026-01-01 00:00"
    if isinstance(value, dt.date):
        return "2026-01" if kind == MONTH else "2026-01-01"
    return str(value)


def _styled(sheet, text, **style):
    """A safe text cell with a font or fill (a detached cell: write-only sheets take one)."""
    value = safe_value(sheet, text)
    styled = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)
    for name, setting in style.items():
        setattr(styled, name, setting)
    return styled


def _fitting_width(column, index, sample):
    widest = max(
        [display_width(column.header)]
        + [display_width(_shown(row[index], column.kind)) for row in sample if index < len(row)]
    )
    return min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)  # +2: Excel's padding and a filter arrow
