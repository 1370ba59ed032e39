"""The micro-wish's forms: the resident's wish, and the moderator's and claimer's steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.models import OrgNode, PartnerUnit
from governance.public import PlaceChoiceField, ResidentPlaceForm, mobile_number_field
from governance.step_pages import StepForm
from governance.uploads import ImagesField
from services.wishes.models import WishCategory, WishFor
from services.wishes.steps import claim_places


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
        "sms_consent",
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
    poster_mobile = mobile_number_field()
    sms_consent = forms.BooleanField(
        label=_("Text me when my wish moves on (SMS)"),
        help_text=_("Only about this wish: reviewed, claimed, fulfilled."),
        required=False,
    )

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        return photos[0] if photos else None


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
        if wish is not None:  # its community, or the whole street
            places = OrgNode.objects.filter(pk__in=claim_places(wish)).order_by("kind")
            self.fields["claim_within"].queryset = places


class EditWishTextForm(StepForm):
    text = forms.CharField(
        label=_("The wish as the wall shows it"),
        min_length=4,
        max_length=500,
        help_text=_(
            "Take out names, addresses or anything else that would identify the resident. "
            "What they wrote is kept for staff."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why it was edited: for staff only."),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            self.fields["text"].initial = self.subject.text


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


class NotFulfilledForm(PortalForm):
    reason = forms.CharField(
        label=_("What is still missing?"),
        help_text=_("The claimer reads this; the first time, they get another chance."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
