"""The command center page and its Excel export: any node in the user's subtree, drilled down
from street to community to grid."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from governance.downloads import XLSX, download
from governance.models import OrgNode
from governance.permissions import Perm
from governance.scope import scope_root
from services import command_center
from services.exports import command_center_workbook


def _node(request, node_id):
    """The node asked for if the user sees it (else 404); by default their own, or for a
    superuser the first street."""
    visible = OrgNode.objects.visible_to(request.user)
    if node_id is not None:
        node = visible.filter(pk=node_id).first()
    else:
        node = (
            scope_root(request.user)
            or visible.filter(parent__isnull=True).order_by("tree_id").first()
        )
    if node is None:
        raise Http404
    return node


def _period(request):
    days = command_center.PERIODS.get(request.GET.get("days", ""), 30)
    return command_center.Period.last(days)


def _sort_links(current):
    """For each sortable column: the sort a click asks for (descending first, then
    ascending) and the arrow showing the current order."""
    links = {}
    for column in command_center.SORTABLE:
        if current == f"-{column}":
            links[column] = (column, "↓")
        elif current == column:
            links[column] = (f"-{column}", "↑")
        else:
            links[column] = (f"-{column}", "")
    return links


@login_required
@permission_required(Perm.VIEW_COMMAND_CENTER, raise_exception=True)
def page(request, node_id=None):
    node = _node(request, node_id)
    period = _period(request)
    root = scope_root(request.user)
    breadcrumb = node.get_ancestors(include_self=True)
    if root is not None:
        breadcrumb = breadcrumb.filter(lft__gte=root.lft)
    data = command_center.node_figures(node, period)
    table = command_center.sort_table(
        command_center.children_table(node, period), request.GET.get("sort", "")
    )
    return render(
        request,
        "services/command_center.html",
        {
            "node": node,
            "period": period,
            "periods": command_center.PERIODS,
            "breadcrumb": breadcrumb,
            "data": data,
            "table": table,
            "sort": request.GET.get("sort", ""),
            "sort_links": _sort_links(request.GET.get("sort", "")),
            "direct": command_center.placed_directly(node, period),
            "charts": {
                "weekly": [
                    {
                        "week": r["week"].isoformat()[:10],
                        "received": r["received"],
                        "resolved": r["resolved"],
                    }
                    for r in data["weekly"]
                ],
                "categories": [
                    {"name": r["category__name"], "value": r["n"]} for r in data["by_category"]
                ],
                "children": [
                    {
                        "name": r["node"].place,
                        "received": r["received"],
                        "overdue": r["overdue_now"],
                        # Decimals would reach the script as strings.
                        "hours": float(r["volunteer_hours"]),
                    }
                    for r in table
                ],
                "labels": {
                    "received": _("Received"),
                    "resolved": _("Resolved"),
                    "overdue": _("Overdue now"),
                    "hours": _("Volunteer hours approved"),
                },
            },
        },
    )


@login_required
@permission_required(Perm.VIEW_COMMAND_CENTER, raise_exception=True)
def export(request, node_id):
    node = _node(request, node_id)
    period = _period(request)
    name = f"command-center-{node.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response = download(request, name, XLSX)
    command_center_workbook(
        node,
        period,
        command_center.node_figures(node, period),
        command_center.children_table(node, period),
        response,
    )
    return response
