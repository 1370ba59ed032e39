"""The staff whistle list's filters and search box; the list and its export read the same
filtered queryset, so a cadre downloads exactly what they see listed. The drop-downs join
their options in Python (FastSelect): a street's communities and grids are a long list."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from governance.choices_cache import FastSelect
from governance.forms import PortalForm
from governance.models import NodeKind, OrgNode
from governance.public import normalise_code
from governance.scope import subtree_q
from services.whistles.models import Category, Status, Supervision, Whistle


class WhistleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        help_text=gettext_lazy("A tracking code, an address or words from the description."),
        max_length=100,
        method="filter_search",
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All"),
        widget=FastSelect,
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        label=gettext_lazy("Category"),
        empty_label=gettext_lazy("All"),
        widget=FastSelect,
    )
    node = django_filters.ModelChoiceFilter(
        queryset=OrgNode.objects.none(),
        label=gettext_lazy("Community or grid"),
        empty_label=gettext_lazy("All"),
        method="filter_node",
        widget=FastSelect,
    )
    overdue = django_filters.ChoiceFilter(
        label=gettext_lazy("Overdue now"),
        empty_label=gettext_lazy("All"),
        choices=[("yes", gettext_lazy("Overdue")), ("no", gettext_lazy("Not overdue"))],
        method="filter_overdue",
        widget=FastSelect,
    )

    supervision = django_filters.ChoiceFilter(
        label=gettext_lazy("Supervision (督办)"),
        empty_label=gettext_lazy("All"),
        choices=[
            ("open", gettext_lazy("Awaiting an answer")),
            ("overdue", gettext_lazy("Answer overdue")),
        ],
        method="filter_supervision",
        widget=FastSelect,
    )

    class Meta:
        form = PortalForm

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["node"].queryset = (
            OrgNode.objects.visible_to(user)
            .filter(kind__in=(NodeKind.COMMUNITY, NodeKind.GRID))
            .order_by("tree_id", "lft")
        )
        self.filters["node"].field.label_from_instance = lambda node: node.place

    def filter_node(self, queryset, name, node):
        return queryset.filter(subtree_q(node, "node") | subtree_q(node, "assigned_grid"))

    def filter_overdue(self, queryset, name, value):
        overdue = Whistle.objects.overdue().values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)

    def filter_supervision(self, queryset, name, value):
        orders = Supervision.objects.filter(answered_at__isnull=True)
        if value == "overdue":
            orders = orders.filter(due_at__lt=timezone.now())
        return queryset.filter(pk__in=orders.values("whistle_id"))

    def filter_search(self, queryset, name, value):
        """The tracking code exactly (its unique index), else the words in the address, the
        building's name or the description, within what the viewer already sees."""
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(tracking_code=normalise_code(words))
            | Q(address__icontains=words)
            | Q(building__name__icontains=words)
            | Q(building__place_name__icontains=words)
            | Q(description__icontains=words)
        )
