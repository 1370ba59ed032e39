"""Excel exports of governance registers (cadres live in Excel)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.models import NodeKind
from governance.workbooks import COUNT, Column


def tree_heading(nodes, today=None):
    """The sheet's title: the top of the nodes (one query), or every street, as of today."""
    top = list(nodes.order_by("level", "tree_id", "lft")[:2])
    several_roots = len(top) == 2 and top[0].level == top[1].level
    place = _("All streets") if several_roots or not top else top[0].place
    return workbooks.heading(place, as_of=today or timezone.localdate())


def write_tree_workbook(nodes, stream):
    """The nodes as one sheet, in tree order, streamed row by row (write-only workbook)."""
    workbook = Workbook(write_only=True)
    kinds = dict(NodeKind.choices)
    rows = nodes.order_by("tree_id", "lft").values_list(
        "code", "name", "kind", "level", "parent__code"
    )
    workbooks.write_table(
        workbook,
        sheet_title=_("Organisation tree"),
        title=tree_heading(nodes),
        columns=[
            Column(_("code")),
            Column(_("name")),
            Column(_("kind")),
            Column(_("level"), COUNT),
            Column(_("parent code")),
        ],
        rows=(
            (code, name, kinds[kind], level, parent_code or "")
            for code, name, kind, level, parent_code in rows.iterator(chunk_size=2000)
        ),
    )
    workbook.save(stream)
