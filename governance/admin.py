from urllib.parse import urlencode

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from mptt.admin import DraggableMPTTAdmin

from governance import audit, security
from governance.admin_scope import MaskedRowLabelMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from governance.masking import mask_mobile, mask_name
from governance.models import OrgNode, PartnerUnit, PersonalDataExport, User
from governance.params import parse_id
from governance.roles import MANAGED_ROLES, Role
from governance.scope import in_scope, scope_root
from governance.tree import new_parent_for

admin.site.site_header = gettext_lazy("Hongge street governance")
admin.site.site_title = gettext_lazy("Hongge")
admin.site.index_title = gettext_lazy("Street administration")


OPEN_NODES_MAX = 50  # nodes opened at once in the tree list; more is a search


class CollapsedTreeChangeList(ChangeList):
    """The tree list opens collapsed: the top of the user's part of the tree (the streets, or
    the user's own node) with its children, plus the children of each node opened with
    `?open=`. A search or a filter lists every match. Either way a few queries, however
    large the tree."""

    def get_queryset(self, request, exclude_parameters=None):
        nodes = super().get_queryset(request, exclude_parameters)
        if self.query or self.has_active_filters:
            return nodes
        return nodes.filter(self.model_admin.shown_q(request))

    def get_results(self, request):
        super().get_results(request)
        self.model_admin.mark_toggles(request, self.result_list, searched=bool(self.query))


@admin.register(OrgNode)
class OrgNodeAdmin(ScopedAdminMixin, DraggableMPTTAdmin):
    node_path = ""
    list_display = ["tree_actions", "indented_title", "kind", "code"]
    list_display_links = ["indented_title"]
    list_filter = ["kind"]
    search_fields = ["name", "place_name", "code"]
    fields = ["parent", "kind", "name", "place_name", "code"]
    # Only the rows shown are in the page, so django-mptt's script may show them all.
    expand_tree_by_default = True
    # django-mptt's page size, not the registers' 50: the collapsed list is short, and a page
    # break inside it would cut an opened node from its children.
    list_per_page = DraggableMPTTAdmin.list_per_page

    def get_changelist(self, request, **kwargs):
        return CollapsedTreeChangeList

    def changelist_view(self, request, *args, **kwargs):
        # `open` is ours, not a filter the changelist should try on the model.
        params = request.GET.copy()
        ids = (parse_id(part) for part in params.pop("open", [""])[0].split(","))
        request.tree_open = [pk for pk in ids if pk is not None][:OPEN_NODES_MAX]
        request.GET = params
        return super().changelist_view(request, *args, **kwargs)

    def _open_nodes(self, request):
        if not hasattr(request, "tree_open_nodes"):
            wanted = getattr(request, "tree_open", [])
            request.tree_open_nodes = (
                list(OrgNode.objects.visible_to(request.user).filter(pk__in=wanted))
                if wanted
                else []
            )
        return request.tree_open_nodes

    def shown_q(self, request):
        """The rows of the collapsed list: the top and its children, each opened node with
        its ancestors (within the scope, which get_queryset keeps) and its children."""
        root = scope_root(request.user)
        shown = Q(level__lte=1) if root is None else Q(pk=root.pk) | Q(parent_id=root.pk)
        for node in self._open_nodes(request):
            shown |= Q(parent_id=node.pk) | Q(
                tree_id=node.tree_id, lft__lte=node.lft, rght__gte=node.rght
            )
        return shown

    def mark_toggles(self, request, rows, searched):
        """Each row with children gets a link opening or closing it; no query."""
        request.tree_rows = rows
        root = scope_root(request.user)
        top_level = 0 if root is None else root.level
        opened = self._open_nodes(request)
        open_ids = [node.pk for node in opened]
        for row in rows:
            row.tree_toggle = None
            if searched or row.is_leaf_node() or row.level == top_level:
                continue  # the top's children are always shown
            if row.pk in open_ids:
                # Closing a node closes what was opened beneath it too.
                still = [
                    n.pk
                    for n in opened
                    if not (n.tree_id == row.tree_id and row.lft <= n.lft < row.rght)
                ]
                row.tree_toggle = ("close", still)
            else:
                row.tree_toggle = ("open", [*open_ids, row.pk])

    def tree_actions(self, item):
        actions = super().tree_actions(item)
        toggle = getattr(item, "tree_toggle", None)
        if toggle is None:
            return actions
        state, ids = toggle
        query = f"?{urlencode({'open': ','.join(map(str, ids))})}" if ids else "?"
        if state == "close":
            label, symbol = pgettext("tree node", "Close"), "▾"
        else:
            label, symbol = pgettext("tree node", "Open"), "▸"
        return format_html(
            '{}<a class="tree-toggle" href="{}" title="{}" aria-label="{}">{}</a>',
            actions,
            query,
            label,
            f"{label} {item}",
            symbol,
        )

    tree_actions.short_description = ""

    def _tree_context(self, request):
        """django-mptt's script context, built from the rows shown rather than from every
        node of the scope (its default reads the whole tree into the page)."""
        rows = getattr(request, "tree_rows", [])
        shown = {row.pk for row in rows}
        structure = {}
        for row in rows:
            if row.parent_id in shown:
                structure.setdefault(row.parent_id, []).append(row.pk)
        return {
            "storageName": "tree_governance_orgnode_collapsed",
            "treeStructure": structure,
            "levelIndent": self.mptt_level_indent,
            "messages": {
                "before": _("move node before node"),
                "child": _("move node to child position"),
                "after": _("move node after node"),
                "collapseTree": _("Collapse tree"),
                "expandTree": _("Expand tree"),
            },
            "expandTreeByDefault": self.expand_tree_by_default,
        }

    def _is_scope_root(self, request, obj):
        root = scope_root(request.user)
        return obj is not None and root is not None and obj.pk == root.pk

    def get_readonly_fields(self, request, obj=None):
        # A cadre may rename their own node but not move it out of, or re-kind, their scope.
        if self._is_scope_root(request, obj):
            return ["parent", "kind"]
        return []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "parent" in form.base_fields and not request.user.is_superuser:
            # Only superusers create streets (roots).
            form.base_fields["parent"].required = True
        return form

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_scope_root(request, obj)

    def get_actions(self, request):
        # mptt's bulk delete rebuilds outside the tree lock: delete one node at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _move_node(self, request):
        """Drag-and-drop: refuse a move whose new parent lies outside the user's subtree."""
        queryset = self.get_queryset(request)
        cut_id, target_id = (parse_id(request.POST.get(k)) for k in ("cut_item", "pasted_on"))
        if cut_id is None or target_id is None:
            self.message_user(request, _("Objects have disappeared, try again."), messages.ERROR)
            return HttpResponse("FAIL, invalid objects.")
        cut = queryset.filter(pk=cut_id).first()
        target = queryset.filter(pk=target_id).first()
        position = request.POST.get("position")
        if cut and target and position in ("left", "right", "last-child"):
            new_parent = new_parent_for(target, position)
            if self._is_scope_root(request, cut) or not in_scope(request.user, new_parent):
                self.message_user(
                    request,
                    _("You can only move nodes within your own subtree."),
                    level=messages.ERROR,
                )
                return HttpResponse("FAIL, no permission.")
        return super()._move_node(request)


def shown_user_name(viewer, user):
    """Volunteers' names are their community's register (volunteers/profiles.py): its cadres
    read them in full, the street masked. Staff names are public to their colleagues."""
    name = str(user)
    if user.role != Role.VOLUNTEER or viewer.is_superuser:
        return name
    if viewer.role == Role.COMMUNITY_CADRE and in_scope(viewer, user.node):
        return name
    return mask_name(name)


class MaskedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's person pickers name people by the same rule as the user list."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, User):
            result["text"] = shown_user_name(self.request.user, obj)
        return result


# Set before the admin's URLs are built (config/urls.py reads them after autodiscovery).
admin.site.autocomplete_view = lambda request: MaskedAutocompleteJsonView.as_view(
    admin_site=admin.site
)(request)


@admin.register(User)
class UserAdmin(MaskedRowLabelMixin, ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "masked_mobile", "role", "node", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "node__name"]
    list_select_related = ["node"]
    # A searchable picker of the nodes of the user's subtree (OrgNodeAdmin's scoped queryset
    # answers it), never a raw id or a select of the whole district.
    autocomplete_fields = ["node"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (gettext_lazy("Person"), {"fields": ["full_name", "mobile", "email", "is_party_member"]}),
        (gettext_lazy("Place in the organisation"), {"fields": ["role", "node"]}),
        (
            gettext_lazy("Access"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "full_name",
                    "mobile",
                    "role",
                    "node",
                    "is_staff",
                ]
            },
        ),
    ]

    actions = ["reset_passwords", "unlock_logins"]

    def get_list_display(self, request):
        # The name column masks by who is looking (a closure: the admin is shared by threads).
        @admin.display(description=gettext_lazy("full name"), ordering="full_name")
        def person(user):
            return shown_user_name(request.user, user)

        return [person if column == "full_name" else column for column in self.list_display]

    def row_label(self, user):
        return mask_name(str(user))

    @admin.display(description=gettext_lazy("mobile"))
    def masked_mobile(self, user):
        return mask_mobile(user.mobile)

    @admin.action(
        description=gettext_lazy("Reset the password (changed at the next login)"),
        permissions=["change"],
    )
    def reset_passwords(self, request, users):
        for user in users:
            password = security.reset_password(user=user)
            # Shown once, to hand over in person: no e-mail is assumed.
            self.message_user(
                request,
                _("Temporary password for %(user)s: %(password)s")
                % {"user": user.get_username(), "password": password},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Unlock after failed logins"), permissions=["change"])
    def unlock_logins(self, request, users):
        for user in users:
            security.unlock(user=user)
        self.message_user(request, _("Unlocked: %(n)d.") % {"n": len(users)}, messages.SUCCESS)

    def get_queryset(self, request):
        """Besides the subtree: only the roles below one's own, never a superuser."""
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(role__in=MANAGED_ROLES.get(request.user.role, ()), is_superuser=False)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            managed = MANAGED_ROLES.get(request.user.role, ())
            kwargs["choices"] = [(r.value, r.label) for r in Role if r in managed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["is_superuser", "groups", "user_permissions"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            # A cadre's user has a role below theirs and a node in their subtree: without
            # either it would fall out of every cadre's list the moment it was saved.
            for name in ("role", "node"):
                if name in form.base_fields:
                    form.base_fields[name].required = True
        return form


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Who took files with people's data, for the cadres answerable for them; never edited."""

    node_path = "user__node"
    list_display = ["at", "user", "filename", "path"]
    list_select_related = ["user"]
    list_filter = ["at"]
    search_fields = ["user__username", "user__full_name", "filename"]


@admin.register(PartnerUnit)
class PartnerUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "node"]
    list_select_related = ["node"]
    search_fields = ["name"]
    filter_horizontal = ["contacts"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "contacts":
            field.label_from_instance = lambda user: shown_user_name(request.user, user)
        return field


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, AuditlogEntryAdmin):
    """The audit trail, append-only: cadres read what the people of their area did (and the
    logins tried on their accounts); superusers read everything."""

    node_path = "actor__node"  # only the beat job prunes it, beyond the retention period
    list_display = [
        "created",
        "resource_url",
        "action",
        "event",
        "msg_short",
        "user_url",
        "address",
    ]
    search_fields = ["object_repr", "actor__username", "actor__full_name", "remote_addr"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "address", "resource_url", "event"]}),
        (gettext_lazy("Changes"), {"fields": ["action", "msg"]}),
    ]
    readonly_fields = ["created", "resource_url", "action", "user_url", "msg", "event", "address"]

    @admin.display(description=pgettext_lazy("audit", "event"))
    def event(self, entry):
        """A login, a failed login: what the trail records besides changes."""
        event = (entry.additional_data or {}).get("event", "")
        return audit.EVENTS.get(event, event)

    @admin.display(description=pgettext_lazy("network", "address"), ordering="remote_addr")
    def address(self, entry):
        return entry.remote_addr or ""
