"""The station finder's question and the service log's entry."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.choices_cache import CachedChoices, CachedModelChoiceField, RenderedOnce
from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode
from governance.public import CachedPlaceChoiceField, located_community_choices
from services.stations.models import Amenity, ServiceKind, StationKind

# The finder's lists, kept in the choice cache.
amenity_choices = CachedChoices(
    "station-amenities", lambda: list(Amenity.objects.values_list("pk", "name")), [Amenity]
)
station_kind_choices = CachedChoices(
    "station-kinds", lambda: list(StationKind.objects.values_list("pk", "name")), [StationKind]
)


class StationFinderForm(RenderedOnce, PortalForm):
    """Where the resident is (browser geolocation or a community) and what they need.
    Rendered once per process for each set of values (choices_cache.RenderedOnce)."""

    render_bound_once = True  # a search: what is sent is a place and a filter

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    community = CachedPlaceChoiceField(
        OrgNode.objects.filter(kind=NodeKind.COMMUNITY, latitude__isnull=False),
        cached_choices=located_community_choices,
        label=_("Or choose your community"),
        required=False,
        empty_label=_("My location"),
    )
    amenity = CachedModelChoiceField(
        Amenity.objects.all(),
        cached_choices=amenity_choices,
        label=_("I need"),
        required=False,
        empty_label=_("Anything"),
    )
    kind = CachedModelChoiceField(
        StationKind.objects.all(),
        cached_choices=station_kind_choices,
        label=_("Kind of station"),
        required=False,
        empty_label=_("All"),
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
