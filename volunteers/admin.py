from django.contrib import admin

from governance.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from volunteers.models import PointAward


@admin.register(PointAward)
class PointAwardAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: awards are written by workflows, never by hand."""

    node_path = "user__node"
    list_display = ["user", "points", "reason", "created_at", "posted_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "reason"]
