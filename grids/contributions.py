"""What the grid registers add to the composite pages: households and the care ledger in the
command center; the household search and care visits due on my work."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.composite.my_work import WorkSection
from governance.composite.my_work import sections as work_sections
from governance.permissions import Perm
from governance.scope import subtree_q
from grids.models import CareRecord, Household


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
    records = list(
        CareRecord.objects.visible_to(user)
        .filter(active=True, next_visit_due__lte=now + timedelta(days=1))
        .select_related("resident__household__building")
        .order_by("next_visit_due")[:30]
    )
    return {"records": records} if records else None


work_sections.register(WorkSection("grids/_work_household_search.html", household_search, order=20))
work_sections.register(WorkSection("grids/_work_care_visits.html", care_visits_due, order=40))
