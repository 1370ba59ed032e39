"""Activities planned from the phone: a team's leader (or a cadre of the team's area) puts
one on for their own team, with the same rules the admin's form holds (model validation:
ends after it starts, sign-up closes by the start, places and points within bounds)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from governance.permissions import Perm
from volunteers import teams
from volunteers.models import Team


def plannable_teams(user):
    """The teams someone may put activities on: those they lead, and for cadres who manage
    volunteers the teams of their area."""
    led = Team.objects.filter(pk__in=teams.led_team_ids(user))
    if user.has_perm(Perm.MANAGE_VOLUNTEERS):
        led = led | Team.objects.visible_to(user)
    return led.select_related("node").distinct().order_by("node__lft", "name")


def plan_activity(*, activity, actor):
    """Save a new activity validated by its form; the team decides its place in the tree."""
    if not teams.manages(actor, activity.team):
        raise PermissionDenied(_("Only the team's leaders put activities on for it."))
    activity.node = activity.team.node
    activity.full_clean()
    with transaction.atomic():
        activity.save()
    return activity
