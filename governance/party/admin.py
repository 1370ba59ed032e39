from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.admin_scope import ContactOnlyAdminMixin, MaskedRowLabelMixin, ScopedAdminMixin
from governance.masking import mask_mobile, mask_name, sees_contact
from governance.party import roster
from governance.party.models import PartyMember, ServiceRequirement


@admin.register(PartyMember)
class PartyMemberAdmin(
    MaskedRowLabelMixin, ContactOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    """The roster in the admin, for editing a member (their login, unit, status): masked and
    closed to those who read it masked, as on /party/members/."""

    list_select_related = ["node"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["unit"]

    def get_list_display(self, request):
        def name(member):
            full = sees_contact(request.user, member.node)
            return member.name if full else mask_name(member.name)

        def mobile(member):
            full = sees_contact(request.user, member.node)
            return member.mobile if full else mask_mobile(member.mobile)

        name.short_description = pgettext_lazy("person", "name")
        mobile.short_description = _("mobile")
        return [name, mobile, "node", "kind", "status", "joined_on"]

    def get_search_fields(self, request):
        # A name search would tell a masked reader who is on the roster.
        return ["name"] if roster.may_search_names(request.user) else []

    def row_label(self, obj):
        return mask_name(obj.name)


@admin.register(ServiceRequirement)
class ServiceRequirementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A street's yearly requirement of services per reported member (default:
    settings.PARTY_SERVICES_PER_YEAR)."""

    node_path = "street"
    list_display = ["street", "services_per_year"]
    list_select_related = ["street"]
