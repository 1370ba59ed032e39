from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.admin_scope import ContactOnlyAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from governance.models import Role, User
from governance.scope import restrict
from grids.assignments import assignment_error
from grids.care import save_care_record
from grids.models import (
    BuildingProfile,
    CareRecord,
    GridProfile,
    Household,
    Resident,
    ResidentTag,
    Visit,
    WorkerAssignment,
)
from grids.privacy import sees_resident_contact, shown_mobile, shown_name
from grids.sizes import size_differs_q


@admin.register(GridProfile)
class GridProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "grid"
    list_display = ["grid", "grid_type", "area_km2"]
    list_filter = ["grid_type"]
    list_select_related = ["grid"]


class WorkerAssignmentForm(forms.ModelForm):
    class Meta:
        model = WorkerAssignment
        fields = ["grid", "worker", "kind"]

    def clean(self):
        data = super().clean()
        if data.get("grid") and data.get("worker") and data.get("kind"):
            error = assignment_error(
                grid=data["grid"],
                worker=data["worker"],
                kind=data["kind"],
                exclude_pk=self.instance.pk,
            )
            if error:
                raise forms.ValidationError(error)
        return data


@admin.register(WorkerAssignment)
class WorkerAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "grid"
    form = WorkerAssignmentForm
    list_display = ["grid", "worker", "kind"]
    list_filter = ["kind"]
    list_select_related = ["grid", "worker"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "worker":
            kwargs["queryset"] = restrict(
                User.objects.filter(role=Role.GRID_WORKER), request.user, "node"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BuildingProfile)
class BuildingProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "building"
    list_display = ["building", "address", "units", "floors"]
    list_select_related = ["building"]
    raw_id_fields = ["head"]


class ResidentInline(admin.TabularInline):
    model = Resident
    fields = ["name", "mobile", "birth_year", "tags", "unit_head"]
    extra = 0


def residents_on_record():
    """The same count as grids.sizes.with_residents_on_record (each household's residents
    on record), as a correlated subquery answered from the residents' household index."""
    counted = (
        Resident.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class SizeDiffersFilter(admin.SimpleListFilter):
    title = _("declared size")
    parameter_name = "size"

    def lookups(self, request, model_admin):
        return [("differs", _("differs from the residents on record"))]

    def queryset(self, request, queryset):
        return queryset.filter(size_differs_q()) if self.value() == "differs" else queryset


@admin.register(Household)
class HouseholdAdmin(ScopedAdminMixin, admin.ModelAdmin):
    node_path = "building"
    list_display = ["building", "unit", "room", "residents_on_record", "size"]
    list_select_related = ["building"]
    list_filter = [SizeDiffersFilter]
    search_fields = ["room", "building__name", "building__place_name"]
    inlines = [ResidentInline]

    def get_queryset(self, request):
        # Counted per row in a subquery, not by joining every resident of the scope and
        # grouping: the page's count then reads households only, and its 100 rows come
        # straight from the (tree_id, lft) and (building, unit, room) indexes.
        return super().get_queryset(request).annotate(on_record=residents_on_record())

    @admin.display(description=_("residents on record"), ordering="on_record")
    def residents_on_record(self, household):
        return household.on_record

    def get_inlines(self, request, obj):
        # Full names and numbers only for those who need them (the grid and community).
        if obj is not None and not sees_resident_contact(request.user, obj.building):
            return []
        return super().get_inlines(request, obj)


@admin.register(Resident)
class ResidentAdmin(ContactOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Street cadres see the register masked and cannot open a resident; the grid and the
    community, who need to call people, see them in full."""

    node_path = "household__building"
    list_select_related = ["household__building"]
    list_filter = ["tags"]

    def get_list_display(self, request):
        def name(resident):
            return shown_name(request.user, resident, resident.household.building)

        def mobile(resident):
            return shown_mobile(request.user, resident, resident.household.building)

        name.short_description = pgettext_lazy("person", "name")
        mobile.short_description = _("mobile")
        return [name, "household", mobile, "birth_year"]


@admin.register(ResidentTag)
class ResidentTagAdmin(admin.ModelAdmin):
    list_display = ["name", "vulnerable"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("visits")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(active=True, next_visit_due__lt=now)
        if self.value() == "no":
            return queryset.filter(next_visit_due__gte=now)
        return queryset


@admin.register(CareRecord)
class CareRecordAdmin(ContactOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The care ledger: the community keeps it; the street reads it masked."""

    node_path = "resident__household__building"
    list_filter = ["active", OverdueFilter]
    list_select_related = ["resident__household__building", "helper"]
    ordering = ["next_visit_due"]
    fields = [
        "resident",
        "needs",
        "plan",
        "helper",
        "visit_every_days",
        "active",
        "last_visit_at",
        "next_visit_due",
    ]
    readonly_fields = ["last_visit_at", "next_visit_due"]
    raw_id_fields = ["resident"]

    def get_list_display(self, request):
        def resident(record):
            return shown_name(request.user, record.resident, self.node_of(record))

        resident.short_description = _("resident")
        return [resident, "helper", "visit_every_days", "next_visit_due", "active"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "resident":
            kwargs["queryset"] = Resident.objects.visible_to(request.user)
        elif db_field.name == "helper":
            kwargs["queryset"] = restrict(User.objects.filter(is_active=True), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        save_care_record(
            obj, actor=request.user, interval_changed="visit_every_days" in form.changed_data
        )


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Visits are recorded on the grid worker's phone; the admin lists them."""

    node_path = "household__building"
    list_display = ["household", "at", "worker", "whistle"]
    list_select_related = ["household__building", "worker", "whistle"]
    date_hierarchy = "at"
