"""The one way the portal writes workbook cells: every Excel export appends its rows through
append(), so text from people (a resident's name, a place, a volunteer's name) can never
become a live formula when a cadre opens the file (OWASP: CSV / formula injection)."""

from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

# Text starting with one of these is a formula to Excel or LibreOffice: at once ("="), or once
# someone edits the cell or saves the sheet as CSV (the others, after OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    """Append one row of values to a normal or write-only worksheet."""
    sheet.append([safe_value(sheet, value) for value in values])
