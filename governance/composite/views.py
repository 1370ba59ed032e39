"""The composite pages: the command center (any node in the user's subtree, drilled down
from street to community to grid, and its Excel export) and the phone's "my work"."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from governance.composite import command_center, my_work
from governance.composite.exports import command_center_workbook
from governance.downloads import XLSX, download
from governance.models import OrgNode
from governance.permissions import Perm
from governance.scope import scope_root


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


@login_required
@permission_required(Perm.VIEW_COMMAND_CENTER, raise_exception=True)
def command_page(request, node_id=None):
    node = _node(request, node_id)
    period = _period(request)
    root = scope_root(request.user)
    breadcrumb = node.get_ancestors(include_self=True)
    if root is not None:
        breadcrumb = breadcrumb.filter(lft__gte=root.lft)
    sort = request.GET.get("sort", "")
    return render(
        request,
        "governance/command_center.html",
        {
            "node": node,
            "period": period,
            "periods": command_center.PERIODS,
            "breadcrumb": breadcrumb,
            "sort": sort,
            **command_center.page(node, period, sort),
        },
    )


@login_required
@permission_required(Perm.VIEW_COMMAND_CENTER, raise_exception=True)
def command_export(request, node_id):
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


@login_required
def my_work_page(request):
    """The phone start page: what each app has for this user to do now."""
    now = timezone.now()
    sections = my_work.sections_for(request.user, now)
    landing = None if sections else my_work.landing_for(request.user)
    if landing is not None:
        return redirect(landing)
    return render(request, "governance/my_work.html", {"sections": sections, "now": now})
