from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode, PartnerUnit
from governance.party.models import ServiceKind


class ReportForm(PortalForm):
    workplace = forms.CharField(
        label=_("Workplace party organisation"),
        max_length=100,
        required=False,
        help_text=_("Where you work and belong to the party organisation."),
    )
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    preferred_kinds = forms.MultipleChoiceField(
        label=_("Posts you would like to take"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PostForm(PortalForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgNode.objects.none())
    kind = forms.ChoiceField(label=_("Kind of post"), choices=ServiceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    needed = forms.IntegerField(label=_("People needed"), min_value=1, max_value=999)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = OrgNode.objects.visible_to(user).filter(kind=NodeKind.COMMUNITY)
        self.fields["community"].queryset = communities.order_by("tree_id", "lft")
        if communities.count() == 1:
            self.fields["community"].initial = communities.first()


class UnitReportForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=PartnerUnit.objects.none())
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgNode.objects.none())
    members_count = forms.IntegerField(label=_("Party members"), min_value=0, max_value=100000)
    offer = forms.CharField(
        label=_("What the unit can offer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Venues, funds, skills, people: what the community can call on."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The communities of the streets the units are paired with.
        self.fields["community"].queryset = OrgNode.objects.filter(
            kind=NodeKind.COMMUNITY, tree_id__in=units.values("node__tree_id")
        ).order_by("tree_id", "lft")
