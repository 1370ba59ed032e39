"""网格呼叫、党员先到: the cadres of a whistle's community (or the worker of its grid) call the
party members of its grid — those on the grid's roster with a login, and the members in
service reported to its community — to it; the first to answer is recorded, once, however
many answer at the same moment (a conditional update), and the answer goes on their card."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.masking import mask_name, sees_contact
from governance.models import NodeKind
from governance.notifications import notify
from governance.party.models import PartyMember
from governance.party.reporting import member_of
from governance.scope import subtree_q
from services.whistles import policies
from services.whistles.models import MemberCall


def grid_of(whistle):
    if whistle.assigned_grid_id:
        return whistle.assigned_grid
    node = whistle.node
    return node.get_ancestors(include_self=True).filter(kind=NodeKind.GRID).first()


def may_call(user, whistle):
    return policies.may_triage(user, whistle) or policies.may_handle(user, whistle)


def called_members(whistle, grid):
    return PartyMember.objects.filter(user__isnull=False, user__is_active=True).filter(
        subtree_q(grid, "node") | Q(report__community=whistle.community)
    )


def call(user, whistle):
    if not may_call(user, whistle):
        raise PermissionDenied
    grid = grid_of(whistle)
    if grid is None:
        raise ValidationError(_("This whistle is in no grid: there is nobody to call."))
    try:
        with transaction.atomic():
            made = MemberCall.objects.create(whistle=whistle, grid=grid, called_by=user)
    except IntegrityError:
        raise ValidationError(_("The party members were called to this whistle already.")) from None
    members = list(called_members(whistle, grid).select_related("user"))
    notify(
        [member.user for member in members],
        title=_("Grid call: whistle %(code)s needs a party member")
        % {"code": whistle.tracking_code},
        body=whistle.description[:200],
        url=reverse("whistle-call-answer", args=[made.pk]),
    )
    return made, len(members)


def was_called(user, member_call):
    """The user's roster row when the call reached them, else None."""
    member = member_of(user)
    called = called_members(member_call.whistle, member_call.grid)
    return member if member is not None and called.filter(pk=member.pk).exists() else None


def answer(user, member_call):
    """True when the user came first; False when another member had."""
    member = was_called(user, member_call)
    if member is None:
        raise PermissionDenied
    first = MemberCall.objects.filter(pk=member_call.pk, answered_by=None).update(
        answered_by=member, answered_at=timezone.now()
    )
    if first and member_call.called_by_id:
        notify(
            [member_call.called_by],
            title=_("%(name)s answered the call to whistle %(code)s")
            % {"name": member.name, "code": member_call.whistle.tracking_code},
            url=reverse("whistle-detail", args=[member_call.whistle_id]),
        )
    return bool(first)


def answered_by_as_seen(user, member_call):
    member = member_call.answered_by
    if member is None:
        return ""
    return member.name if sees_contact(user, member.node) else mask_name(member.name)
