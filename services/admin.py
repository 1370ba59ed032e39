from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin, TimelineInline
from governance.formatting import duration
from governance.masking import mask_mobile
from services.models import (
    Amenity,
    CallBack,
    Category,
    Department,
    OpeningException,
    OpeningHours,
    PartnerUnit,
    ServiceKind,
    ServiceLog,
    Station,
    StationAmenity,
    StationKind,
    Whistle,
    WhistleEvent,
    Wish,
    WishEvent,
)


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


@admin.register(PartnerUnit)
class PartnerUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "node"]
    list_select_related = ["node"]
    search_fields = ["name"]
    filter_horizontal = ["contacts"]


class WishEventInline(TimelineInline):
    model = WishEvent


@admin.register(Wish)
class WishAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A read-only register; moderation and claims go through the wish pages."""

    list_display = ["tracking_code", "text", "category", "status", "community", "created_at"]
    list_filter = ["status", "category", "created_at"]
    list_select_related = ["community"]
    search_fields = ["tracking_code", "text"]
    date_hierarchy = "created_at"
    inlines = [WishEventInline]
    exclude = ["poster_name", "poster_mobile", "photo", "fulfilment_photo"]


@admin.register(StationKind, Amenity, ServiceKind)
class ManagedListAdmin(admin.ModelAdmin):
    list_display = ["name", "ordering"]
    list_editable = ["ordering"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class StationAmenityInline(admin.TabularInline):
    model = StationAmenity
    extra = 0


@admin.register(Station)
class StationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "node", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["kind", "node"]
    search_fields = ["name", "code", "address"]
    inlines = [OpeningHoursInline, OpeningExceptionInline, StationAmenityInline]


@admin.register(ServiceLog)
class ServiceLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "station__node"
    list_display = ["date", "station", "kind", "count", "recorded_by"]
    list_filter = ["kind", "date"]
    list_select_related = ["station", "kind", "recorded_by"]
    date_hierarchy = "date"
    readonly_fields = ["recorded_by", "recorded_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "station":
            kwargs["queryset"] = Station.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
