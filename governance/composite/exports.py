"""The command center as a workbook: the node's figures, then the child table with every
column, the export-only ones too (cadres live in Excel)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance.composite.command_center import columns, export_value, shown_figures


def command_center_workbook(node, period, figures, table, stream):
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")
    sheet.append([_("Node"), node.place, node.code])
    sheet.append([_("Period"), f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"])
    for _label, value, format, export_label in shown_figures(figures):
        sheet.append([str(export_label), export_value(value, format)])
    children = book.create_sheet(_("By child node"))
    every_column = columns()
    children.append([_("Name"), _("Code"), *(str(c.export_label or c.label) for c in every_column)])
    for row in table:
        children.append(
            [
                row["node"].place,
                row["node"].code,
                *(export_value(row[c.key], c.format) for c in every_column),
            ]
        )
    book.save(stream)
