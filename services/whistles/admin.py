from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin, TimelineInline
from governance.formatting import duration
from governance.masking import mask_mobile
from services.whistles.models import CallBack, Category, Department, Whistle, WhistleEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "urgency", "dispatch_time", "resolve_time", "active", "ordering"]
    list_editable = ["ordering", "active"]
    list_filter = ["urgency", "active"]

    @admin.display(description=_("dispatch within"), ordering="dispatch_within")
    def dispatch_time(self, category):
        return duration(category.dispatch_within)

    @admin.display(description=_("resolve within"), ordering="resolve_within")
    def resolve_time(self, category):
        return duration(category.resolve_within)


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "street"
    list_display = ["name", "street", "contact_name", "contact_phone"]
    list_select_related = ["street"]
    search_fields = ["name"]
    filter_horizontal = ["categories", "handlers"]


class WhistleEventInline(TimelineInline):
    model = WhistleEvent


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A read-only register; the steps are taken on the whistle pages, through the workflow."""

    node_path = "node"
    list_display = [
        "tracking_code",
        "category",
        "status",
        "community",
        "masked_mobile",
        "created_at",
        "escalated_at",
    ]
    list_filter = ["status", "category", "created_at"]
    list_select_related = ["category", "community"]
    search_fields = ["tracking_code"]
    date_hierarchy = "created_at"
    inlines = [WhistleEventInline]
    exclude = ["reporter_mobile", "reporter_name"]

    @admin.display(description=_("mobile"))
    def masked_mobile(self, whistle):
        return mask_mobile(whistle.reporter_mobile)


@admin.register(CallBack)
class CallBackAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["whistle", "node", "due_at", "outcome", "done_at"]
    list_select_related = ["whistle__category", "node"]
    list_filter = ["outcome"]
    readonly_fields = ["whistle", "node", "due_at", "outcome", "note", "done_at", "done_by"]

    def has_add_permission(self, request):
        return False
