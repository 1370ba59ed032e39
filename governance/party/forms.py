from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode
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
