"""Teams: a volunteer asks to join, a leader (or a cadre of the team's area) decides."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from governance.permissions import Perm
from governance.scope import in_scope
from volunteers.models import Membership, MembershipStatus
from volunteers.profiles import profile_for


def _leaderships(user):
    return Membership.objects.filter(
        volunteer__user=user, is_leader=True, status=MembershipStatus.APPROVED
    )


def leads(user, team_id):
    """Whether the user is an approved leader of the team."""
    return _leaderships(user).filter(team_id=team_id).exists()


def led_team_ids(user):
    return set(_leaderships(user).values_list("team_id", flat=True))


def cadre_over(user, team):
    return user.has_perm(Perm.MANAGE_VOLUNTEERS) and in_scope(user, team.node)


def manages(user, team):
    """A leader of the team, or a cadre whose area holds it."""
    return cadre_over(user, team) or leads(user, team.pk)


def decides_hours(user):
    """A cadre who manages volunteers, or a leader of any team."""
    return user.has_perm(Perm.MANAGE_VOLUNTEERS) or _leaderships(user).exists()


def leaders_of(team):
    return [
        m.volunteer.user
        for m in team.memberships.filter(
            is_leader=True, status=MembershipStatus.APPROVED
        ).select_related("volunteer__user")
    ]


def ask_to_join(*, team, user):
    volunteer = profile_for(user)
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            team=team, volunteer=volunteer
        )
        if not created:
            if membership.status in (MembershipStatus.PENDING, MembershipStatus.APPROVED):
                raise ValidationError(_("You have already asked to join this team."))
            membership.status = MembershipStatus.PENDING
            membership.requested_at = timezone.now()
            membership.save(update_fields=["status", "requested_at"])
        notify(
            leaders_of(team),
            title=_("%(name)s asks to join %(team)s") % {"name": user, "team": team},
            url=team_url(team),
        )
    return membership


def decide(*, membership, actor, approve):
    if not manages(actor, membership.team):
        raise PermissionDenied(_("Only the team's leaders decide who joins."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status != MembershipStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        locked.status = MembershipStatus.APPROVED if approve else MembershipStatus.DECLINED
        locked.decided_at, locked.decided_by = timezone.now(), actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        notify(
            [locked.volunteer.user],
            title=(_("Welcome to %(team)s") if approve else _("%(team)s declined your request"))
            % {"team": membership.team},
            url=team_url(membership.team),
        )
    return locked


def team_url(team):
    return reverse("volunteer-team", args=[team.pk])
