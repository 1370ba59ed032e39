"""Who may do what to a whistle: the permission by name, then the place in the tree."""

from dataclasses import dataclass

from governance.masking import mask_mobile, mask_name
from governance.permissions import Perm
from governance.scope import in_scope
from services.whistles.models import Status


def may_triage(user, whistle):
    """Community or street cadres of the whistle's community (转哨, dispatch, extensions)."""
    return user.has_perm(Perm.TRIAGE_WHISTLE) and in_scope(user, whistle.community)


def may_handle(user, whistle):
    """The handler it is dispatched to: a lead-department handler, or a worker of the grid."""
    if not user.has_perm(Perm.HANDLE_WHISTLE):
        return False
    if whistle.lead_department_id:
        return is_lead_handler(user, whistle)
    return whistle.assigned_grid is not None and in_scope(user, whistle.assigned_grid)


def is_lead_handler(user, whistle):
    return (
        whistle.lead_department_id is not None
        and whistle.lead_department.handlers.filter(pk=user.pk).exists()
    )


def may_supervise(user, whistle):
    """督办 and 改派: the cadres of the node a whistle was escalated to (the street above its
    community), once it has been escalated."""
    return (
        user.has_perm(Perm.TRIAGE_WHISTLE)
        and whistle.escalated_to_id is not None
        and in_scope(user, whistle.escalated_to)
    )


def may_comment(user, whistle):
    """Internal notes: the staff who act on the whistle — triage, handling or supervision."""
    return may_triage(user, whistle) or may_handle(user, whistle) or may_supervise(user, whistle)


def sees_reporter_contact(user, whistle):
    """The full name and mobile go to those who must call the resident: the triaging cadres
    and the grid worker who makes the call-back."""
    if may_triage(user, whistle):
        return True
    callback = getattr(whistle, "callback", None)
    return callback is not None and in_scope(user, callback.node)


def sees_reporter_mobile(user, whistle):
    """The 12345 rule: the unit handling a whistle calls the requester. The lead handler of a
    signed whistle reads the mobile when the resident agreed to be contacted."""
    if sees_reporter_contact(user, whistle):
        return True
    return (
        whistle.contact_consent
        and whistle.status == Status.SIGNED
        and user.has_perm(Perm.HANDLE_WHISTLE)
        and is_lead_handler(user, whistle)
    )


def reporter_as_seen(user, whistle):
    """The reporter's name and mobile as this user may read them, each masked by the one rule
    where they may not, and whether any of it is personal data (a download says so)."""
    contact = sees_reporter_contact(user, whistle)
    mobile = sees_reporter_mobile(user, whistle)
    return ReporterAsSeen(
        name=whistle.reporter_name if contact else mask_name(whistle.reporter_name),
        mobile=whistle.reporter_mobile if mobile else mask_mobile(whistle.reporter_mobile),
        contact=contact,
        personal=contact or mobile,
    )


@dataclass(frozen=True)
class ReporterAsSeen:
    name: str
    mobile: str
    contact: bool  # the full contact: the one who calls the resident back
    personal: bool
