"""The whistle's forms: the resident's report and rating, and each staff step's form (its
cleaned_data are the keyword arguments of the step)."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.choices_cache import CachedChoices, CachedModelChoiceField, FastSelect
from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode
from governance.public import (
    HoneypotForm,
    PlaceChoiceField,
    ResidentPlaceForm,
    mobile_number_field,
    normalise_code,
)
from governance.step_pages import NoteForm, StepForm
from governance.uploads import ImagesField
from services.whistles.models import CallBackOutcome, Category, Department, Rating, Whistle
from services.whistles.selectors import departments_for, visible_whistles

# The kinds of problem the public form offers, kept in the choice cache.
category_choices = CachedChoices(
    "whistle-categories",
    lambda: list(Category.objects.filter(active=True).values_list("pk", "name")),
    [Category],
)


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

    category = CachedModelChoiceField(
        Category.objects.filter(active=True),
        cached_choices=category_choices,
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
    reporter_mobile = mobile_number_field()
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


class BulkDispatchForm(PortalForm):
    """Whistles ticked on the list and the one department they all go to."""

    whistles = forms.ModelMultipleChoiceField(
        Whistle.objects.none(),
        label=_("Whistles"),
        error_messages={"required": _("Tick the whistles to dispatch.")},
    )
    department = forms.ModelChoiceField(
        Department.objects.none(),
        label=_("Lead department"),
        empty_label=_("Choose a department"),
        error_messages={"required": _("Choose the department to dispatch to.")},
        widget=FastSelect,  # on every page of the list: options joined in Python
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only whistles the user sees can be ticked: another id is an invalid choice.
        self.fields["whistles"].queryset = visible_whistles(user).order_by("created_at", "pk")
        self.fields["department"].queryset = departments_for(user)


def _other_departments(whistle):
    return Department.objects.filter(street_id=whistle.community.parent_id).exclude(
        pk=whistle.lead_department_id
    )


class SuperviseForm(StepForm):
    comment = forms.CharField(
        label=_("What must be done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_at = forms.DateTimeField(
        label=_("Answer by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class AnswerSupervisionForm(StepForm):
    answer = forms.CharField(
        label=_("Answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RedispatchForm(NoteForm):
    department = forms.ModelChoiceField(
        Department.objects.none(),
        label=_("New lead department"),
        empty_label=_("Choose a department"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _other_departments(self.subject)


class CommentForm(StepForm):
    note = forms.CharField(
        label=pgettext_lazy("staff note", "Comment"),
        help_text=_("For staff only."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferRequestForm(StepForm):
    department = forms.ModelChoiceField(
        Department.objects.none(),
        label=_("The department that should handle it"),
        empty_label=_("Choose a department"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _other_departments(self.subject)


class TransferDecisionForm(NoteForm):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Grant: re-dispatch there")), ("no", _("Decline the transfer"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("grant") is False and not data.get("note", "").strip():
            self.add_error("note", _("Say why the transfer is declined."))
        return data


SUPPORT_SALT = "whistle-support"
SUPPORT_LINK_AGE = 24 * 3600  # seconds a 已有人反映 page's 附议 buttons stay valid


def support_token(whistle):
    """The whistle a 附议 button adds a voice to, signed: the page that shows it is the only
    way to one, so whistles cannot be supported by guessing numbers."""
    return signing.dumps(whistle.pk, salt=SUPPORT_SALT)


class SupportForm(HoneypotForm):
    token = forms.CharField(widget=forms.HiddenInput)
    mobile = mobile_number_field()

    def clean_token(self):
        try:
            pk = signing.loads(
                self.cleaned_data["token"], salt=SUPPORT_SALT, max_age=SUPPORT_LINK_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This page is too old: please open the form again.")
            ) from None
        whistle = Whistle.objects.filter(pk=pk).first()
        if whistle is None:
            raise forms.ValidationError(_("This report no longer exists."))
        return whistle


class MergeForm(StepForm):
    into = forms.CharField(
        label=_("Tracking code of the report that carries on"),
        max_length=20,
        help_text=_("This one closes; its resident and supporters follow that report."),
    )

    def clean_into(self):
        code = normalise_code(self.cleaned_data["into"])
        survivor = Whistle.objects.visible_to(self.user).filter(tracking_code=code).first()
        if survivor is None:
            raise forms.ValidationError(_("No report with that code in your area."))
        return survivor
