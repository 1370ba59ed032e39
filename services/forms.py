from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode, mainland_mobile
from services.models import CallBackOutcome, Category, Department, Rating
from services.public import HoneypotForm, ImagesField, normalise_code


class PlaceChoiceField(forms.ModelChoiceField):
    """Residents choose places (红旗社区, 锦绣苑3号楼), not party organisations."""

    def label_from_instance(self, node):
        return node.place


class WhistleReportForm(HoneypotForm):
    category = forms.ModelChoiceField(
        Category.objects.filter(active=True),
        label=_("Problem"),
        empty_label=_("Choose a kind of problem"),
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        min_length=5,
        max_length=2000,
        error_messages={
            "min_length": _("Please describe the problem in at least %(limit_value)d characters."),
            "max_length": _(
                "Please keep the description under %(limit_value)d characters (now %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )
    community = PlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.COMMUNITY),
        label=_("Community"),
        empty_label=_("Choose your community"),
    )
    building = PlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.BUILDING).select_related("parent"),
        label=_("Building"),
        required=False,
        empty_label=_("Not sure / not listed"),
    )
    address = forms.CharField(
        label=_("Or describe where"),
        max_length=200,
        required=False,
        help_text=_("Needed when the building is not listed."),
    )
    photos = ImagesField(label=_("Photos (up to 3, 5 MB each)"), max_files=3)
    reporter_name = forms.CharField(label=_("Your name"), max_length=50)
    reporter_mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mainland_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    contact_consent = forms.BooleanField(
        label=_("You may contact me about this report"), required=False
    )
    source = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the chosen community's buildings are offered (the page script refreshes them).
        community = community or self.data.get("community") or self.initial.get("community")
        buildings = self.fields["building"].queryset
        if community and str(community).isdigit():
            self.fields["building"].queryset = buildings.filter(parent__parent_id=community)
        elif not self.is_bound:
            self.fields["building"].queryset = buildings.none()

    def clean(self):
        data = super().clean()
        community, building = data.get("community"), data.get("building")
        if community and building and building.parent.parent_id != community.pk:
            self.add_error("building", _("That building is not in the chosen community."))
        if community and not building and not data.get("address", "").strip():
            self.add_error("address", _("Choose your building or describe where the problem is."))
        return data


class TrackForm(PortalForm):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    last4 = forms.RegexField(
        label=_("Last 4 digits of your mobile"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])


class RatingForm(PortalForm):
    fixed = forms.TypedChoiceField(
        label=_("Is the problem fixed?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not fixed"))],
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Staff step forms: each one's cleaned_data are the keyword arguments of its step.


class StepForm(PortalForm):
    def __init__(self, *args, whistle=None, **kwargs):
        self.whistle = whistle
        super().__init__(*args, **kwargs)


class NoteForm(StepForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(NoteForm):
    department = forms.ModelChoiceField(
        Department.objects.none(), label=_("Lead department"), required=False
    )
    co_departments = forms.ModelMultipleChoiceField(
        Department.objects.none(),
        label=_("Co-handling departments"),
        help_text=_("Optional; the lead department need not be ticked."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grid = PlaceChoiceField(OrgNode.objects.none(), label=_("Or the grid"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whistle = self.whistle
        departments = Department.objects.filter(street_id=whistle.community.parent_id)
        self.fields["department"].queryset = departments
        self.fields["co_departments"].queryset = departments
        self.fields["grid"].queryset = OrgNode.objects.filter(
            parent=whistle.community, kind=NodeKind.GRID
        ).order_by("lft")
        if whistle.suggested_department_id:
            self.fields["department"].initial = whistle.suggested_department_id

    def clean(self):
        data = super().clean()
        if bool(data.get("department")) == bool(data.get("grid")):
            raise forms.ValidationError(_("Choose one lead department or one grid."))
        return data


class ExtensionRequestForm(StepForm):
    until = forms.DateTimeField(
        label=_("New deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionDecisionForm(NoteForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
    )


class ResolveForm(NoteForm):
    note = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = ImagesField(label=_("Photos (up to 3)"), max_files=3)


class CallBackForm(PortalForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallBackOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
