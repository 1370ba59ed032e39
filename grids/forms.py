from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.uploads import ImagesField
from services.whistles.models import Category


class HouseholdSearchForm(PortalForm):
    q = forms.CharField(
        label=_("Building and room (2号楼 1-101), name or initials (zjg)"), max_length=30
    )


class VisitForm(PortalForm):
    seen = forms.CharField(
        label=_("What did you see?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs = forms.CharField(
        label=_("Needs"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = ImagesField(label=_("Photo (optional)"), max_files=1)
    problem_category = forms.ModelChoiceField(
        Category.objects.filter(active=True),
        label=_("A problem to report?"),
        required=False,
        empty_label=_("No problem found"),
    )
    problem = forms.CharField(
        label=_("Describe the problem"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("It becomes a whistle to the community at once."),
    )

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        return photos[0] if photos else None

    def clean(self):
        data = super().clean()
        if bool(data.get("problem_category")) != bool(data.get("problem", "").strip()):
            raise forms.ValidationError(_("To report a problem, choose its kind and describe it."))
        return data
