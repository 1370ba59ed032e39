"""Excel exports of what the staff pages show (cadres live in Excel)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance.formatting import duration


def _rate(value):
    return None if value is None else round(value * 100, 1)


def command_center_workbook(node, period, data, table, stream):
    """The command center for `node` and `period`: its figures, then the child table."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")
    w = data["whistles"]
    head = data["headcounts"]
    sheet.append([_("Node"), node.place, node.code])
    sheet.append([_("Period"), f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"])
    for label, value in [
        (_("Registered party members"), head["party_members"]),
        (_("Party-member households"), head["party_households"]),
        (_("Households"), head["households"]),
        (_("Residents in the care ledger"), head["care_residents"]),
        (_("Volunteers"), head["volunteers"]),
        (_("Volunteer teams"), head["teams"]),
        (_("Service stations"), head["stations"]),
        (_("Received"), w.received),
        (_("Response rate (%)"), _rate(w.response_rate)),
        (_("Resolution rate (%)"), _rate(w.resolution_rate)),
        (_("Satisfaction rate (%)"), _rate(w.satisfaction_rate)),
        (_("Overdue now"), w.overdue_now),
        (_("Median time to resolve"), duration(w.median_time_to_resolve)),
        (_("Micro-wishes posted"), data["wishes_posted"]),
        (_("Micro-wishes lit"), data["wishes_lit"]),
        (_("Volunteer hours approved"), data["volunteer_hours"]),
        (_("Active volunteers"), data["active_volunteers"]),
    ]:
        sheet.append([label, value])
    children = book.create_sheet(_("By child node"))
    children.append(
        [
            _("Name"),
            _("Code"),
            _("Received"),
            _("Response rate (%)"),
            _("Resolution rate (%)"),
            _("Satisfaction rate (%)"),
            _("Overdue now"),
            _("Micro-wishes posted"),
            _("Micro-wishes lit"),
            _("Service stations"),
            _("Volunteer hours approved"),
            _("Active volunteers"),
        ]
    )
    for row in table:
        children.append(
            [
                row["node"].place,
                row["node"].code,
                row["received"],
                _rate(row["response_rate"]),
                _rate(row["resolution_rate"]),
                _rate(row["satisfaction_rate"]),
                row["overdue_now"],
                row["wishes_posted"],
                row["wishes_lit"],
                row["stations"],
                row["volunteer_hours"],
                row["active_volunteers"],
            ]
        )
    book.save(stream)
