from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from governance import exports, notifications, selectors
from governance.downloads import XLSX, download
from governance.models import OrgNode
from governance.scope import scope_root, subtree_q


def home(request):
    return render(request, "home.html")


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def _node_for(request, node_id):
    """The node asked for (default: the user's own) when it lies in the user's subtree, else
    404 with no hint that it exists. None stands for a superuser's whole district."""
    if node_id is not None:
        try:
            return OrgNode.objects.visible_to(request.user).get(pk=node_id)
        except OrgNode.DoesNotExist:
            raise Http404 from None
    if request.user.is_superuser:
        return None
    root = scope_root(request.user)
    if root is None:
        raise Http404(_("Your account is not attached to the organisation tree."))
    return root


@login_required
def org_tree(request, node_id=None):
    node = _node_for(request, node_id)
    if node is None:
        rows, breadcrumb = selectors.roots_with_counts(), []
    else:
        rows = selectors.children_with_counts(node)
        breadcrumb = node.get_ancestors(include_self=True)
        root = scope_root(request.user)
        if root is not None:  # not the ancestors above the user's own node
            breadcrumb = breadcrumb.filter(lft__gte=root.lft)
    return render(
        request, "governance/org_tree.html", {"node": node, "rows": rows, "breadcrumb": breadcrumb}
    )


@login_required
def inbox(request):
    if request.method == "POST":
        count = notifications.mark_read(request.user)
        messages.success(request, _("%(count)d marked as read.") % {"count": count})
        return redirect("inbox")
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "governance/inbox.html", {"page": page})


@login_required
def open_notification(request, pk):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    notifications.mark_read(request.user, ids=[notification.pk])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return redirect(notification.url if safe else "inbox")


@login_required
def org_export(request, node_id=None):
    node = _node_for(request, node_id)
    nodes = OrgNode.objects.all() if node is None else OrgNode.objects.filter(subtree_q(node))
    stamp = timezone.localdate().isoformat()
    name = f"org-{node.code if node else 'all'}-{stamp}.xlsx"
    response = download(request, name, XLSX)
    exports.write_tree_workbook(nodes, response)
    return response
