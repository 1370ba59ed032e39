from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode, mainland_mobile
from governance.params import parse_id
from services.models import (
    Amenity,
    CallBackOutcome,
    Category,
    Department,
    PartnerUnit,
    Rating,
    ServiceKind,
    StationKind,
    WishCategory,
    WishFor,
)
from services.public import HoneypotForm, ImagesField, normalise_code


class PlaceChoiceField(forms.ModelChoiceField):
    """Residents choose places (红旗社区, 锦绣苑3号楼), not party organisations."""

    def label_from_instance(self, node):
        return node.place


def mobile_field():
    return forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mainland_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class ResidentPlaceForm(HoneypotForm):
    """A resident form that says where: a community, then one of its buildings."""

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
    source = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the chosen community's buildings are offered (the page script refreshes them).
        community = parse_id(self.data.get("community") or self.initial.get("community"))
        buildings = self.fields["building"].queryset
        if community:
            self.fields["building"].queryset = buildings.filter(parent__parent_id=community)
        elif not self.is_bound:
            self.fields["building"].queryset = buildings.none()

    def clean(self):
        data = super().clean()
        community, building = data.get("community"), data.get("building")
        if community and building and building.parent.parent_id != community.pk:
            self.add_error("building", _("That building is not in the chosen community."))
        return data


class WhistleReportForm(ResidentPlaceForm):
    field_order = [
        "category",
        "description",
        "community",
        "building",
        "address",
        "photos",
        "reporter_name",
        "reporter_mobile",
        "contact_consent",
    ]

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
    address = forms.CharField(
        label=_("Or describe where"),
        max_length=200,
        required=False,
        help_text=_("Needed when the building is not listed."),
    )
    photos = ImagesField(label=_("Photos (up to 3, 5 MB each)"), max_files=3)
    reporter_name = forms.CharField(label=_("Your name"), max_length=50)
    reporter_mobile = mobile_field()
    contact_consent = forms.BooleanField(
        label=_("You may contact me about this report"), required=False
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("community")
            and not data.get("building")
            and not data.get("address", "").strip()
        ):
            self.add_error("address", _("Choose your building or describe where the problem is."))
        return data


class WishPostForm(ResidentPlaceForm):
    field_order = [
        "wish_for",
        "category",
        "text",
        "community",
        "building",
        "photo",
        "poster_name",
        "poster_mobile",
    ]

    wish_for = forms.ChoiceField(label=_("Who is the wish for?"), choices=WishFor.choices)
    category = forms.ChoiceField(label=_("Kind of wish"), choices=WishCategory.choices)
    text = forms.CharField(
        label=_("The wish"),
        min_length=4,
        max_length=500,
        error_messages={
            "min_length": _("Please describe the wish in at least %(limit_value)d characters."),
            "max_length": _(
                "Please keep the wish under %(limit_value)d characters (now %(show_value)d)."
            ),
        },
        help_text=_(
            "Only the community sees your name and number; the wish wall shows your "
            "surname and the community."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    photo = ImagesField(label=_("Photo (optional, 5 MB)"), max_files=1)
    poster_name = forms.CharField(label=_("Your name"), max_length=50)
    poster_mobile = mobile_field()

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        return photos[0] if photos else None


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
    """A staff step's form; `subject` is the whistle or wish the step acts on, `user` who acts."""

    def __init__(self, *args, subject=None, user=None, **kwargs):
        self.subject, self.user = subject, user
        super().__init__(*args, **kwargs)


class NoteForm(StepForm):
    note = forms.CharField(
        label=_("Note"),
        help_text=_("For staff only."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("The resident reads this on their status page."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(NoteForm):
    department = forms.ModelChoiceField(
        Department.objects.none(),
        label=_("Lead department"),
        required=False,
        empty_label=_("None: dispatch to the grid"),
    )
    co_departments = forms.ModelMultipleChoiceField(
        Department.objects.none(),
        label=_("Co-handling departments"),
        help_text=_("Optional; the lead department need not be ticked."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grid = PlaceChoiceField(
        OrgNode.objects.none(),
        label=_("Or the grid"),
        required=False,
        empty_label=_("None: dispatch to the department"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whistle = self.subject
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
        label=_("What was done"),
        help_text=_("The resident reads this on their status page."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = ImagesField(label=_("Photos (up to 3)"), max_files=3)


class CallBackForm(PortalForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallBackOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Micro-wish steps


class ApproveWishForm(StepForm):
    party_members_only = forms.BooleanField(label=_("Only party members may claim"), required=False)
    claim_within = PlaceChoiceField(
        OrgNode.objects.none(),
        label=_("Only people of this place may claim"),
        required=False,
        empty_label=_("Anyone"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wish = self.subject
        if wish is not None:  # its community, or the whole street, as far as the user sees
            places = OrgNode.objects.filter(pk__in=[wish.community_id, wish.community.parent_id])
            if self.user is not None:
                places = places & OrgNode.objects.visible_to(self.user)
            self.fields["claim_within"].queryset = places


class ClaimWishForm(PortalForm):
    unit = forms.ModelChoiceField(
        PartnerUnit.objects.none(), label=_("On behalf of"), required=False, empty_label=_("Myself")
    )
    show_name = forms.BooleanField(
        label=_("Show my name on the wish wall once it is lit"),
        help_text=_("A partner unit is always named."),
        required=False,
    )

    def __init__(self, *args, user=None, allow_self=True, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["unit"].queryset = user.partner_units.all()
        if not allow_self:  # e.g. kept for party members: only a unit may claim
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None


class FulfilWishForm(PortalForm):
    note = forms.CharField(
        label=_("How was it fulfilled?"),
        help_text=_("The resident reads this on their status page."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = ImagesField(label=_("Photo (optional)"), max_files=1)

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        return photos[0] if photos else None


# --- Service stations


class StationFinderForm(PortalForm):
    """Where the resident is (browser geolocation or a community) and what they need."""

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    community = PlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.COMMUNITY, latitude__isnull=False),
        label=_("Or choose your community"),
        required=False,
        empty_label=_("My location"),
    )
    amenity = forms.ModelChoiceField(
        Amenity.objects.all(), label=_("I need"), required=False, empty_label=_("Anything")
    )
    kind = forms.ModelChoiceField(
        StationKind.objects.all(), label=_("Kind of station"), required=False, empty_label=_("All")
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def origin(self):
        """(lat, lng) to measure from, or None."""
        data = self.cleaned_data
        if data.get("lat") is not None and data.get("lng") is not None:
            return data["lat"], data["lng"]
        community = data.get("community")
        return (community.latitude, community.longitude) if community else None


class ServiceLogForm(PortalForm):
    kind = forms.ModelChoiceField(ServiceKind.objects.all(), label=_("Service"))
    count = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=10000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("Services cannot be logged for a future date."))
        return on
