from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode, PartnerUnit
from governance.party.models import NeedSource, NeedStatus, Rating, ResourceKind, ServiceKind
from governance.uploads import ImagesField


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
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("organisation", "Unit"), queryset=PartnerUnit.objects.none()
    )
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


class NeedForm(PortalForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgNode.objects.none())
    title = forms.CharField(label=_("Need"), max_length=100)
    detail = forms.CharField(
        label=_("Detail"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    source = forms.ChoiceField(label=_("Source"), choices=NeedSource.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (
            OrgNode.objects.visible_to(user)
            .filter(kind=NodeKind.COMMUNITY)
            .order_by("tree_id", "lft")
        )


class ResourceForm(PortalForm):
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("organisation", "Unit"), queryset=PartnerUnit.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Resource"), max_length=100)
    detail = forms.CharField(
        label=_("Detail"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MatchForm(PortalForm):
    need = forms.ModelChoiceField(label=_("Need"), queryset=None)
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None)
    alliance = forms.ModelChoiceField(
        label=_("A joint project of the alliance"), queryset=None, required=False
    )

    def __init__(self, *args, needs, resources, alliances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs.filter(status=NeedStatus.OPEN)
        self.fields["resource"].queryset = resources.filter(available=True).select_related("unit")
        self.fields["alliance"].queryset = alliances


class ProjectUpdateForm(PortalForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    photo = ImagesField(label=_("Photo (optional)"), max_files=1)


class AllianceForm(PortalForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    node = forms.ModelChoiceField(label=_("Led by"), queryset=OrgNode.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Member units"), queryset=PartnerUnit.objects.none(), required=False
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False)

    def __init__(self, *args, user, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = (
            OrgNode.objects.visible_to(user)
            .filter(kind__in=(NodeKind.STREET, NodeKind.COMMUNITY))
            .order_by("tree_id", "lft")
        )
        self.fields["units"].queryset = units


class MeetingForm(PortalForm):
    held_on = forms.DateField(label=_("Held on"))
    place = forms.CharField(label=_("Place"), max_length=100)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
    )


class ServiceEntryForm(PortalForm):
    on = forms.DateField(label=_("Date"))
    what = forms.CharField(label=_("Service"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours (optional)"), min_value=0, max_value=24, decimal_places=1, required=False
    )


class AppraisalForm(PortalForm):
    rating = forms.ChoiceField(label=pgettext_lazy("appraisal", "Rating"), choices=Rating.choices)
