"""The command center as a workbook: the node's figures, then the child table with every
column, the export-only ones too (cadres live in Excel). Cells keep the figures' kinds:
counts, hours to 2 decimals, rates as per-cent cells, durations as Excel time cells."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.composite.command_center import columns, shown_figures
from governance.workbooks import Column, Typed


def command_center_workbook(node, period, figures, table, stream):
    book = Workbook()
    title = workbooks.heading(node.place, period.start, period.end)
    workbooks.write_table(
        book,
        sheet_title=_("Figures"),
        title=title,
        columns=[Column(_("Figure")), Column(_("Value"))],
        rows=[(label, Typed(value, format)) for label, value, format in shown_figures(figures)],
    )
    every_column = columns()
    workbooks.write_table(
        book,
        sheet_title=_("By child node"),
        title=title,
        columns=[
            Column(_("Name")),
            Column(_("Code")),
            *(Column(c.label, c.format) for c in every_column),
        ],
        rows=(
            (row["node"].place, row["node"].code, *(row[c.key] for c in every_column))
            for row in table
        ),
        freeze_columns=1,  # the child's name stays in view across the columns
    )
    book.save(stream)
