"""Excel exports of governance registers (cadres live in Excel)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.models import NodeKind


def write_tree_workbook(nodes, stream):
    """The nodes as one sheet, in tree order, streamed row by row (write-only workbook)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Organisation tree"))
    workbooks.append(sheet, [_("code"), _("name"), _("kind"), _("level"), _("parent code")])
    kinds = dict(NodeKind.choices)
    rows = nodes.order_by("tree_id", "lft").values_list(
        "code", "name", "kind", "level", "parent__code"
    )
    for code, name, kind, level, parent_code in rows.iterator(chunk_size=2000):
        workbooks.append(sheet, [code, name, kinds[kind], level, parent_code or ""])
    workbook.save(stream)
