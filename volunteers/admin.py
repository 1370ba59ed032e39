"""Volunteer service in the admin: where street and community cadres keep profiles, teams,
activities, hours, the points ledger and the gift catalogue of their area.

Every register is cut to the user's subtree by ScopedAdminMixin. Each step that changes
state (approving members or hours, handing over gifts, adjusting points) is an admin action
calling the workflow function in volunteers/*.py; the admin never writes those rows itself."""

import uuid
from operator import attrgetter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from governance.admin_scope import MaskedRowLabelMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from governance.masking import mask_name
from governance.models import User
from governance.permissions import Perm
from governance.scope import restrict
from governance.uploads import ImagesField
from services.stations.models import Station
from volunteers import hours, ledger, rewards, signups, teams
from volunteers.models import (
    Activity,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Redemption,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarAward,
    StarRound,
    Team,
    VolunteerProfile,
)
from volunteers.profiles import reads_name_of, reads_names, shown_name


def error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not take this action here.")


class VolunteerNamesMixin(MaskedRowLabelMixin):
    """Lists show the volunteer's name through shown_name: `volunteer_column` is the column
    that names them, `volunteer_path` the path from the row to its VolunteerProfile ("" for
    the profile itself). A row's own page names the person in full (its title, read-only
    fields), so only those who read names in full open it, as with residents in
    grids/admin.py; the street reads the list and acts from it."""

    volunteer_column = "volunteer"
    volunteer_path = "volunteer"

    def profile_of(self, row):
        return attrgetter(self.volunteer_path)(row) if self.volunteer_path else row

    def get_list_display(self, request):
        def column(row):
            return shown_name(request.user, self.profile_of(row))

        field = self.model._meta.get_field(self.volunteer_column)
        column.short_description, column.__name__ = field.verbose_name, field.name
        return [
            column if n == self.volunteer_column else n for n in super().get_list_display(request)
        ]

    def get_list_display_links(self, request, list_display):
        # No links to pages the user may not open.
        if not reads_names(request.user):
            return None
        return super().get_list_display_links(request, list_display)

    def row_label(self, obj):
        return mask_name(str(self.profile_of(obj).user))

    def may_open(self, request, obj):
        return reads_name_of(request.user, self.profile_of(obj))


class NamedInlinesMixin:
    """Inline rows are labelled with volunteers' full names: only for those who read them."""

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if reads_names(request.user) else []


class WorkflowActionsMixin:
    """Admin actions run one workflow step per selected row, each in its own transaction; a
    refusal is shown for that row and the others go ahead."""

    def has_manage_permission(self, request):
        return request.user.has_perm(Perm.MANAGE_VOLUNTEERS)

    def run_step(self, request, queryset, step):
        done = 0
        for row in queryset:
            try:
                step(row)
            except (ValidationError, PermissionDenied) as error:
                label = shown_name(request.user, self.profile_of(row))
                self.message_user(
                    request,
                    _("#%(id)s %(name)s: %(error)s")
                    % {"id": row.pk, "name": label, "error": error_text(error)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d row done.", "%(count)d rows done.", done) % {"count": done},
                messages.SUCCESS,
            )


# The action bar's extra inputs are plain text: a bad value there would make Django drop the
# whole action ("No action selected"), so the action checks them itself, with a message.
def _action_input(label, **attrs):
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={"maxlength": 200, **attrs})
    )


class ReasonActionForm(ActionForm):
    """The action bar with a reason, for the steps that need one (the workflow checks it)."""

    reason = _action_input(gettext_lazy("Reason (to decline or reverse)"))


class AdjustPointsActionForm(ActionForm):
    points = _action_input(gettext_lazy("Points (+/−)"), maxlength=7, inputmode="numeric", size=6)
    reason = _action_input(gettext_lazy("Reason"))
    # Drawn when the page is drawn: posting the same page twice adjusts once.
    key = forms.CharField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput, label="")


class AdjustPointsForm(forms.Form):
    """What the adjust action checks before it touches the ledger."""

    points = forms.IntegerField(
        label=gettext_lazy("Points (+/−)"), min_value=-100_000, max_value=100_000
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    key = forms.UUIDField()

    def clean_points(self):
        if self.cleaned_data["points"] == 0:
            raise ValidationError(_("Enter a number of points other than 0."))
        return self.cleaned_data["points"]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the points are adjusted."))
        return reason


# --- Profiles


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(
    VolunteerNamesMixin, WorkflowActionsMixin, ScopedAdminMixin, admin.ModelAdmin
):
    node_path = "community"
    volunteer_column, volunteer_path = "user", ""
    list_display = ["user", "community", "skills", "registered_on", "points_balance", "stars"]
    list_select_related = ["user", "community"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["user", "community", "skills", "registered_on", "points_balance", "stars"]
    readonly_fields = ["points_balance", "stars"]
    # A person picker searching by name: the suggestions come from the users' admin, whose
    # list is the cadre's own subtree (and roles below theirs); the form accepts only people
    # of the subtree who are not volunteers yet.
    autocomplete_fields = ["user"]
    action_form = AdjustPointsActionForm
    actions = ["adjust_points"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            people = restrict(User.objects.all(), request.user, "node")
            kwargs["queryset"] = people.filter(volunteer__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else [*readonly, "user"]

    @admin.action(
        description=gettext_lazy("Adjust points (enter points and reason)"),
        permissions=["manage"],
    )
    def adjust_points(self, request, queryset):
        form = AdjustPointsForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    self.message_user(
                        request, f"{form.fields[name].label}: {error}", messages.ERROR
                    )
            return
        data = form.cleaned_data
        self.run_step(
            request,
            queryset,
            lambda profile: ledger.adjust(
                volunteer=profile,
                points=data["points"],
                reason=data["reason"],
                actor=request.user,
                key=f"adjust:{data['key']}:{profile.pk}",
            ),
        )


# --- Teams and memberships


class MembershipInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # An existing member stays who they are, even one from outside the cadre's area
            # (teams are open to the whole street); only new rows pick from the area.
            field = self.fields["volunteer"]
            field.queryset, field.disabled = VolunteerProfile.objects.all(), True


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    fields = ["volunteer", "is_leader", "status", "requested_at", "decided_at"]
    readonly_fields = ["status", "requested_at", "decided_at"]
    raw_id_fields = ["volunteer"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer__user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "volunteer":
            kwargs["queryset"] = VolunteerProfile.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # members leave or are declined, with a record of it


@admin.register(Team)
class TeamAdmin(NamedInlinesMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "brand", "node", "members", "created_at"]
    list_select_related = ["node"]
    search_fields = ["name", "brand"]
    fields = ["name", "brand", "node", "description"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count(
                    "memberships", filter=Q(memberships__status=MembershipStatus.APPROVED)
                )
            )
        )

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def members(self, team):
        return team.member_count


@admin.register(Membership)
class MembershipAdmin(
    VolunteerNamesMixin, WorkflowActionsMixin, ScopedAdminMixin, admin.ModelAdmin
):
    node_path = "team__node"
    list_display = ["team", "volunteer", "is_leader", "status", "requested_at", "decided_at"]
    list_filter = ["status", "is_leader"]
    list_select_related = ["team", "volunteer__user"]
    search_fields = ["volunteer__user__username", "volunteer__user__full_name", "team__name"]
    fields = [
        "team",
        "volunteer",
        "is_leader",
        "status",
        "requested_at",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = ["status", "requested_at", "decided_at", "decided_by"]
    raw_id_fields = ["volunteer"]
    actions = ["approve", "decline"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else [*readonly, "team", "volunteer"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = Team.objects.visible_to(request.user)
        elif db_field.name == "volunteer":
            kwargs["queryset"] = VolunteerProfile.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve):
        self.run_step(
            request,
            queryset.select_related("team__node"),
            lambda m: teams.decide(membership=m, actor=request.user, approve=approve),
        )

    @admin.action(description=gettext_lazy("Approve the selected requests"), permissions=["manage"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=gettext_lazy("Decline the selected requests"), permissions=["manage"])
    def decline(self, request, queryset):
        self._decide(request, queryset, approve=False)


# --- Activities


class SignUpInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Who signed up and came: written by sign-up and check-in, read here."""

    model = SignUp
    fields = [
        "volunteer",
        "status",
        "queued_at",
        "confirmed_at",
        "checked_in_at",
        "checked_out_at",
        "auto_closed",
        "no_show",
    ]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer__user")


@admin.register(Activity)
class ActivityAdmin(NamedInlinesMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "team",
        "starts_at",
        "capacity",
        "registered",
        "waiting",
        "cancelled",
    ]
    list_filter = ["cancelled", "difficulty"]
    list_select_related = ["team"]
    search_fields = ["title", "place", "team__name"]
    date_hierarchy = "starts_at"
    fields = [
        "team",
        "node",
        "title",
        "description",
        "place",
        "starts_at",
        "ends_at",
        "signup_deadline",
        "capacity",
        "difficulty",
        "points_per_hour",
        "cancelled",
    ]
    inlines = [SignUpInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                registered_count=Count(
                    "signups", filter=Q(signups__status=SignUpStatus.REGISTERED)
                ),
                waiting_count=Count("signups", filter=Q(signups__status=SignUpStatus.WAITLISTED)),
            )
        )

    def get_fields(self, request, obj=None):
        # The code volunteers type to check in; drawn when the activity is saved, so only
        # shown once it exists.
        fields = super().get_fields(request, obj)
        return fields if obj is None else [*fields, "checkin_code"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else [*readonly, "checkin_code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = Team.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            signups.activity_changed(obj, form.changed_data)

    @admin.display(description=gettext_lazy("signed up"), ordering="registered_count")
    def registered(self, activity):
        return activity.registered_count

    @admin.display(description=gettext_lazy("waiting"), ordering="waiting_count")
    def waiting(self, activity):
        return activity.waiting_count


# --- Service hours


class HonourHoursForm(forms.ModelForm):
    """Adds honour hours through volunteers.hours.add_honour_hours; its refusals become the
    form's errors. `actor` is set per request by ServiceHoursAdmin.get_form."""

    actor = None

    class Meta:
        model = ServiceHours
        fields = ["activity", "volunteer", "hours", "reason"]

    def full_clean(self):
        super().full_clean()
        # The workflow both checks and writes, so it runs last, once everything else is
        # valid: a form that fails never leaves a row behind.
        if not self.is_bound or self.errors:
            return
        data = self.cleaned_data
        try:
            self.instance = hours.add_honour_hours(
                activity=data["activity"],
                volunteer=data["volunteer"],
                hours=data["hours"],
                reason=data.get("reason") or "",
                actor=self.actor,
            )
        except (ValidationError, PermissionDenied) as error:
            self.add_error(None, error_text(error))


@admin.register(ServiceHours)
class ServiceHoursAdmin(
    VolunteerNamesMixin, WorkflowActionsMixin, ScopedAdminMixin, admin.ModelAdmin
):
    """Hours are recorded by check-out or added as honour hours here; once recorded they only
    move by approve, decline or reverse, and are never deleted."""

    node_path = "activity__node"
    list_display = ["volunteer", "activity", "kind", "hours", "status", "flagged", "created_at"]
    list_filter = ["status", "kind", "flagged"]
    list_select_related = ["volunteer__user", "activity"]
    search_fields = ["volunteer__user__username", "volunteer__user__full_name", "activity__title"]
    date_hierarchy = "created_at"
    fields = [
        "volunteer",
        "activity",
        "kind",
        "hours",
        "reason",
        "flagged",
        "status",
        "created_at",
        "created_by",
        "decided_at",
        "decided_by",
        "reversal_reason",
    ]
    raw_id_fields = ["volunteer"]
    action_form = ReasonActionForm
    actions = ["approve", "decline", "reverse"]

    def get_fields(self, request, obj=None):
        return HonourHoursForm._meta.fields if obj is None else super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = HonourHoursForm
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form = type(form.__name__, (form,), {"actor": request.user})
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "activity":
            kwargs["queryset"] = (
                Activity.objects.visible_to(request.user)
                .filter(cancelled=False)
                .order_by("-starts_at")
            )
        elif db_field.name == "volunteer":
            kwargs["queryset"] = VolunteerProfile.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        pass  # HonourHoursForm has written the row through the workflow

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Approve the selected hours"), permissions=["manage"])
    def approve(self, request, queryset):
        self.run_step(request, queryset, lambda e: hours.approve(entry=e, actor=request.user))

    @admin.action(
        description=gettext_lazy("Decline the selected hours (give the reason)"),
        permissions=["manage"],
    )
    def decline(self, request, queryset):
        reason = request.POST.get("reason", "")
        self.run_step(
            request, queryset, lambda e: hours.decline(entry=e, actor=request.user, reason=reason)
        )

    @admin.action(
        description=gettext_lazy("Reverse the selected approved hours (give the reason)"),
        permissions=["manage"],
    )
    def reverse(self, request, queryset):
        reason = request.POST.get("reason", "")
        self.run_step(
            request, queryset, lambda e: hours.reverse(entry=e, actor=request.user, reason=reason)
        )


# --- The points ledger


@admin.register(LedgerEntry)
class LedgerEntryAdmin(VolunteerNamesMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Append-only: entries are posted by the workflows (and the adjust action on volunteers),
    never added, changed or deleted here, not even by a superuser."""

    node_path = "volunteer__community"
    list_display = ["volunteer", "kind", "points", "balance_after", "reason", "actor", "at"]
    list_filter = ["kind"]
    list_select_related = ["volunteer__user", "actor"]
    search_fields = ["volunteer__user__username", "volunteer__user__full_name", "reason"]
    date_hierarchy = "at"
    fields = ["volunteer", "kind", "points", "balance_after", "reason", "actor", "at"]


# --- Gifts


class RewardForm(forms.ModelForm):
    class Meta:
        model = Reward
        fields = ["node", "name", "picture", "points_cost", "stock", "active", "pickup_station"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pickup_station" in self.fields:
            # Volunteers are told where to collect the gift: every gift saved names a station.
            self.fields["pickup_station"].required = True

    def clean(self):
        data = super().clean()
        node, station = data.get("node"), data.get("pickup_station")
        if node and station and station.node.tree_id != node.tree_id:
            self.add_error("pickup_station", _("The pickup station must be in the gift's street."))
        return data

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if isinstance(picture, UploadedFile):
            # The portal's one upload check: a real JPEG, PNG or WebP within the size limit.
            [picture] = ImagesField(max_files=1).clean(picture)
        return picture


@admin.register(Reward)
class RewardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = RewardForm
    list_display = ["name", "node", "points_cost", "stock", "active"]
    list_filter = ["active"]
    list_select_related = ["node"]
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pickup_station":
            stations = Station.objects.filter(active=True).select_related("node")
            kwargs["queryset"] = restrict(stations, request.user).order_by("node__lft", "name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Gifts may be redeemed while the page is open: apply the cadre's change of stock
        # as a difference, and write back only the other fields changed.
        others = [name for name in form.changed_data if name != "stock"]
        if others:
            obj.save(update_fields=others)
        if "stock" in form.changed_data:
            rewards.restock(obj, form.cleaned_data["stock"] - form.initial["stock"])


@admin.register(Redemption)
class RedemptionAdmin(
    VolunteerNamesMixin, WorkflowActionsMixin, ScopedAdminMixin, admin.ModelAdmin
):
    """Redeemed on the phone; handed over or cancelled (points refunded) here."""

    node_path = "reward__node"
    list_display = ["reward", "volunteer", "points", "status", "pickup_code", "created_at"]
    list_filter = ["status"]
    list_select_related = ["reward", "volunteer__user"]
    search_fields = [
        "volunteer__user__username",
        "volunteer__user__full_name",
        "reward__name",
        "=pickup_code",
    ]
    fields = [
        "reward",
        "volunteer",
        "points",
        "status",
        "pickup_code",
        "created_at",
        "closed_at",
        "closed_by",
    ]
    actions = ["hand_over", "cancel_and_refund"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _close(self, request, queryset, step):
        self.run_step(
            request,
            queryset.select_related("reward__node"),
            lambda r: step(redemption=r, actor=request.user),
        )

    @admin.action(description=gettext_lazy("Mark as handed over"), permissions=["manage"])
    def hand_over(self, request, queryset):
        self._close(request, queryset, rewards.hand_over)

    @admin.action(description=gettext_lazy("Cancel and refund the points"), permissions=["manage"])
    def cancel_and_refund(self, request, queryset):
        self._close(request, queryset, rewards.cancel)


# --- Star rating


@admin.register(StarRound)
class StarRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rounds are proposed and confirmed by the beat job (volunteers/stars.py)."""

    list_display = ["rating_date", "proposed_at", "notice_ends_on", "confirmed_at"]


@admin.register(StarAward)
class StarAwardAdmin(VolunteerNamesMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    node_path = "volunteer__community"
    list_display = ["volunteer", "round", "stars", "hours", "confirmed_at"]
    list_filter = ["stars", "round"]
    list_select_related = ["volunteer__user", "round"]
    fields = ["round", "volunteer", "stars", "hours", "confirmed_at"]
