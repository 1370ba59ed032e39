"""The service card of a party member (服务登记卡): what the portal recorded of them in a year —
each app registers what it knows (`sources`, from its contributions.py: approved volunteer
hours, micro-wishes lit, …) — plus the entries a cadre adds. The street's yearly requirement
says who is behind."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.notifications import notify
from governance.party.models import MemberReport, ServiceEntry, ServiceRequirement
from governance.permissions import Perm
from governance.registry import Registry
from governance.scope import in_scope


@dataclass(frozen=True)
class Entry:
    member_id: int
    on: date
    kind: str
    what: str
    hours: Decimal | None = None


@dataclass(frozen=True)
class Source:
    """`entries(member_of_user, year)`: Entry rows for the users in the mapping (user id →
    member id), one query whatever their number; `count(users, year)`: how many there are for
    the users of a subquery of user ids (the command center's figure), one query."""

    name: str
    entries: Callable
    count: Callable
    order: int = 100


sources = Registry()


def _added(members, year):
    for entry in ServiceEntry.objects.filter(member__in=members, on__year=year):
        yield Entry(entry.member_id, entry.on, _("Added by the community"), entry.what, entry.hours)


def entries_for(members, year):
    """Each member's entries of the year, newest first: {member id: [Entry, …]}."""
    member_of_user = {m.user_id: m.pk for m in members if m.user_id}
    found = defaultdict(list)
    for entry in _added(members, year):
        found[entry.member_id].append(entry)
    if member_of_user:
        for source in sources:
            for entry in source.entries(member_of_user, year):
                found[entry.member_id].append(entry)
    for rows in found.values():
        rows.sort(key=lambda entry: entry.on, reverse=True)
    return found


@dataclass(frozen=True)
class Card:
    year: int
    entries: list
    required: int

    @property
    def count(self):
        return len(self.entries)

    @property
    def hours(self):
        return sum((entry.hours or Decimal(0) for entry in self.entries), Decimal(0))

    @property
    def behind(self):
        return self.count < self.required


def card(member, year):
    required = requirements_by_tree({member.node.tree_id})[member.node.tree_id]
    return Card(year, entries_for([member], year).get(member.pk, []), required)


def requirements_by_tree(tree_ids):
    """{tree id: services a year} for the streets of these trees (one query)."""
    set_here = dict(
        ServiceRequirement.objects.filter(street__tree_id__in=tree_ids).values_list(
            "street__tree_id", "services_per_year"
        )
    )
    return {
        tree_id: set_here.get(tree_id, settings.PARTY_SERVICES_PER_YEAR) for tree_id in tree_ids
    }


def year_counts(members, year):
    """{member id: (services this year, required)} for a page of the roster."""
    found = entries_for(members, year)
    required = requirements_by_tree({m.node.tree_id for m in members})
    return {m.pk: (len(found.get(m.pk, [])), required[m.node.tree_id]) for m in members}


def add_entry(user, member, *, on, what, hours):
    """A service the community writes on the card: its cadres only, not in the future."""
    if not (user.has_perm(Perm.ADD_PARTY_MEMBER) and in_scope(user, member.node)):
        raise PermissionDenied
    if on > timezone.localdate():
        raise ValidationError(_("Write a service once it has been done."))
    return ServiceEntry.objects.create(member=member, on=on, what=what, hours=hours, added_by=user)


def remind_behind(today=None):
    """Once a month, each reported member with a login who is behind the street's yearly
    requirement is told how many services the year still asks of them. Safe to run daily:
    the month of the last reminder is kept on the report."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    due = list(
        MemberReport.objects.filter(member__user__isnull=False, member__user__is_active=True)
        .exclude(reminded_on__gte=month_start)
        .select_related("member__node", "member__user", "community")
    )
    members = [report.member for report in due]
    counts = year_counts(members, today.year)
    told = []
    for report in due:
        done, required = counts[report.member.pk]
        if done < required:
            notify(
                [report.member.user],
                title=_("The year asks %(left)d more services of you") % {"left": required - done},
                body=_("%(done)d of the %(required)d services a year recorded on your card.")
                % {"done": done, "required": required},
                url=reverse("party-my-card"),
            )
            told.append(report.pk)
    MemberReport.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
    return len(told)
