"""The roles a user can hold, and which of them see a subtree of the organisation tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_CADRE = "street_cadre", _("Street cadre")
    COMMUNITY_CADRE = "community_cadre", _("Community cadre")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    VOLUNTEER = "volunteer", _("Volunteer / party member")


# Roles that see and act on the subtree of their node. A department handler's node is the
# street it serves (so its cadres manage the account) and a volunteer's is their home: neither
# sees the tree's records through it.
TREE_ROLES = frozenset({Role.STREET_CADRE, Role.COMMUNITY_CADRE, Role.GRID_WORKER})

# Whom a role may manage in the admin (never its own rank, never a superuser).
MANAGED_ROLES = {
    Role.STREET_CADRE: (
        Role.COMMUNITY_CADRE,
        Role.GRID_WORKER,
        Role.DEPARTMENT_HANDLER,
        Role.VOLUNTEER,
    ),
    Role.COMMUNITY_CADRE: (Role.GRID_WORKER, Role.VOLUNTEER),
}
