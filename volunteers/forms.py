from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from volunteers.models import VolunteerProfile


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
