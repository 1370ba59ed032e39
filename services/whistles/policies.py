"""Who may do what to a whistle: the permission by name, then the place in the tree."""

from governance.permissions import Perm
from governance.scope import in_scope


def may_triage(user, whistle):
    """Community or street cadres of the whistle's community (转哨, dispatch, extensions)."""
    return user.has_perm(Perm.TRIAGE_WHISTLE) and in_scope(user, whistle.community)


def may_handle(user, whistle):
    """The handler it is dispatched to: a lead-department handler, or a worker of the grid."""
    if not user.has_perm(Perm.HANDLE_WHISTLE):
        return False
    if whistle.lead_department_id:
        return whistle.lead_department.handlers.filter(pk=user.pk).exists()
    return whistle.assigned_grid is not None and in_scope(user, whistle.assigned_grid)


def sees_reporter_contact(user, whistle):
    """The full name and mobile go to those who must call the resident: the triaging cadres
    and the grid worker who makes the call-back."""
    if may_triage(user, whistle):
        return True
    callback = getattr(whistle, "callback", None)
    return callback is not None and in_scope(user, callback.node)
