from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm, no_control_characters
from volunteers.models import Activity, VolunteerProfile

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class MinuteInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_MINUTE, **kwargs)


class CheckCodeForm(PortalForm):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("The code has 6 digits."))],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "title": _("The code has 6 digits."),
            }
        ),
    )


class MarkForm(PortalForm):
    """A leader checks a volunteer in or out."""

    direction = forms.ChoiceField(choices=[("in", _("Check in")), ("out", _("Check out"))])


class DecisionForm(PortalForm):
    """Approve or decline, with a reason when declining."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why."))
        return data


class RedeemForm(PortalForm):
    """The confirm page's one-time token (double taps reserve once)."""

    key = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)


class PickupCodeForm(PortalForm):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class SkillsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = VolunteerProfile
        fields = ["skills"]
        help_texts = {"skills": _("What you can offer: e.g. first aid, tutoring, repairs.")}


class ActivityForm(forms.ModelForm):
    """A leader's new activity on the phone: the admin's fields and rules (the model's
    validation), for the teams the user may plan for; it must start in the future."""

    def __init__(self, *args, teams, now, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        for name in ("starts_at", "ends_at", "signup_deadline"):
            self.fields[name].input_formats = [LOCAL_MINUTE, "%Y-%m-%d %H:%M"]
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)

    class Meta:
        model = Activity
        fields = [
            "team",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "signup_deadline",
            "capacity",
            "difficulty",
            "points_per_hour",
        ]
        widgets = {
            "starts_at": MinuteInput(),
            "ends_at": MinuteInput(),
            "signup_deadline": MinuteInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "points_per_hour": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= self.now:
            raise forms.ValidationError(_("The activity must start in the future."))
        return starts_at
