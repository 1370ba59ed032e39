"""The command center as a workbook: the node's figures, then the child table with every
column, the export-only ones too (cadres live in Excel)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.composite.command_center import columns, export_value, shown_figures


def command_center_workbook(node, period, figures, table, stream):
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")
    workbooks.append(sheet, [_("Node"), node.place, node.code])
    workbooks.append(sheet, [_("Period"), f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"])
    for _label, value, format, export_label in shown_figures(figures):
        workbooks.append(sheet, [export_label, export_value(value, format)])
    children = book.create_sheet(_("By child node"))
    every_column = columns()
    workbooks.append(
        children, [_("Name"), _("Code"), *(c.export_label or c.label for c in every_column)]
    )
    for row in table:
        workbooks.append(
            children,
            [
                row["node"].place,
                row["node"].code,
                *(export_value(row[c.key], c.format) for c in every_column),
            ],
        )
    book.save(stream)
