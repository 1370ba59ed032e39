"""Admin pieces that every app's ModelAdmin uses to stay inside the user's subtree."""

from operator import attrgetter

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.html import format_html
from django.utils.translation import gettext as _

from governance.masking import NEEDS_CONTACT, sees_contact
from governance.models import OrgNode, User
from governance.scope import in_scope, restrict


def row_checkbox(obj, label):
    """A row's action box, the HTML Django's CheckboxInput gives, without rendering a widget
    template for every row (a tenth of a 50-row page's time)."""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        ACTION_CHECKBOX_NAME,
        obj.pk,
        format_html(_("Select this object for an action - {}"), label),
    )


class ScopedAdminMixin:
    """Lists, change pages, deletes and node choices limited to the user's subtree.

    `node_path` is the lookup from the model to its OrgNode ("" for OrgNode itself).
    An object outside the subtree is simply not in the queryset, so guessing its id in the
    URL gives the admin's "does not exist" answer and no data.
    """

    node_path = "node"
    # Django counts a filtered list twice, the matches and the whole table ("3 of 40,000");
    # over a subtree join the second count costs as much as the first and says nothing new.
    show_full_result_count = False
    # Rendering a row costs more than reading it (links, formatting, masking): 50 a page
    # keeps a district's registers' pages as quick as a community's.
    list_per_page = 50

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, self.node_path)

    def action_checkbox(self, obj):
        return row_checkbox(obj, str(obj))

    def node_of(self, obj):
        return obj if not self.node_path else attrgetter(self.node_path.replace("__", "."))(obj)

    def _object_in_scope(self, request, obj):
        return obj is None or in_scope(request.user, self.node_of(obj))

    def may_open(self, request, obj):
        """A further condition for a row's own page (e.g. it names a person in full)."""
        return True

    def _opens(self, request, obj):
        return self._object_in_scope(request, obj) and (obj is None or self.may_open(request, obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._opens(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._opens(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._object_in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgNode:
            kwargs["queryset"] = OrgNode.objects.visible_to(request.user).order_by("tree_id", "lft")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # People offered for a role here (handlers, contacts) come from the user's subtree.
        if db_field.related_model is User:
            users = restrict(db_field.related_model.objects.all(), request.user, "node")
            kwargs["queryset"] = users.complex_filter(db_field.get_limit_choices_to())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MaskedRowLabelMixin:
    """Django labels each row's action box with str(obj), a person's full name; the label
    only tells rows apart, so it reads the row's number and `row_label` (masked)."""

    def row_label(self, obj):
        raise NotImplementedError

    def action_checkbox(self, obj):
        return row_checkbox(obj, f"#{obj.pk} {self.row_label(obj)}")


class ContactOnlyAdminMixin:
    """A person's page opens only for those who see their name and number in full (the one
    masking rule); the list is shown to the rest masked. `node_path` leads to the node the
    person is kept on."""

    def may_open(self, request, obj):
        return sees_contact(request.user, self.node_of(obj))

    def get_list_display_links(self, request, list_display):
        # No links to pages the user may not open (the street reads such lists masked).
        if not (request.user.is_superuser or request.user.role in NEEDS_CONTACT):
            return None
        return super().get_list_display_links(request, list_display)


class ReadOnlyAdminMixin:
    """A register the admin shows but never writes: its rows come from workflows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The timeline events of a workflow object, read-only."""

    fields = ["at", "kind", "actor", "note", "public"]
    readonly_fields = fields
    extra = 0
