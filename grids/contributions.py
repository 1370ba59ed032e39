"""What the grid registers add to the composite pages: households and the care ledger in the
command center; the household search and care visits due on my work."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.composite.my_work import WorkSection
from governance.composite.my_work import sections as work_sections
from governance.permissions import Perm
from governance.scope import subtree_q
from grids.models import CareRecord, Household, Visit
from grids.privacy import shown_name
from services.whistles import origins


def households(node):
    return Household.objects.filter(subtree_q(node, "building")).count()


def residents_cared_for(node):
    return CareRecord.objects.filter(
        subtree_q(node, "resident__household__building"), active=True
    ).count()


cc.headcounts.register(cc.Headcount("households", _("Households"), households, order=30))
cc.headcounts.register(
    cc.Headcount("care_residents", _("Residents in the care ledger"), residents_cared_for, order=40)
)


def household_search(user, now):
    return {} if user.has_perm(Perm.VIEW_HOUSEHOLD) else None


def care_visits_due(user, now):
    """Visits due by tomorrow, the overdue ones first and flagged, named by the one rule."""
    records = (
        CareRecord.objects.visible_to(user)
        .filter(active=True, next_visit_due__lte=now + timedelta(days=1))
        .select_related("resident__household__building")
        .order_by("next_visit_due")[:30]
    )
    rows = [
        {
            "record": record,
            "name": shown_name(user, record.resident, record.resident.household.building),
            "overdue": record.next_visit_due < now,
            "days_late": max((now - record.next_visit_due).days, 0),
        }
        for record in records
    ]
    return {"rows": rows, "overdue": sum(row["overdue"] for row in rows)} if rows else None


work_sections.register(WorkSection("grids/_work_household_search.html", household_search, order=20))
work_sections.register(WorkSection("grids/_work_care_visits.html", care_visits_due, order=40))


def visited_household(whistle, user):
    """A whistle a grid worker raised on a visit: the household visited and its residents,
    named as this user may read them, linked when the user may open the household."""
    visit = Visit.objects.filter(whistle=whistle).select_related("household__building").first()
    if visit is None:
        return []
    household = visit.household
    building = household.building
    names = "、".join(shown_name(user, r, building) for r in household.residents.all())
    label = f"{building.place} {household.unit}-{household.room}" + (f" · {names}" if names else "")
    opens = (
        user.has_perm(Perm.VIEW_HOUSEHOLD)
        and Household.objects.visible_to(user).filter(pk=household.pk).exists()
    )
    return [(label, reverse("grids-household", args=[household.pk]) if opens else None)]


origins.lookups.register(origins.OriginLookup(visited_household, order=10))
