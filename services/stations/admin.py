from django.contrib import admin

from governance.admin_scope import ScopedAdminMixin
from services.stations.models import (
    Amenity,
    OpeningException,
    OpeningHours,
    ServiceKind,
    ServiceLog,
    Station,
    StationAmenity,
    StationKind,
)


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
