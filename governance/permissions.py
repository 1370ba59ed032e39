"""Permissions, named once. Each role carries a fixed set of Django permissions, granted by
RoleBackend from this table rather than by groups kept in the database, so code, admin and
tests read the same list. What a permission reaches is then cut down to the subtree by
governance.scope.
"""

from django.contrib.auth.backends import ModelBackend

from governance.models import Role


class Perm:
    VIEW_TREE = "governance.view_orgnode"
    VIEW_COMMAND_CENTER = "governance.view_command_center"
    ADD_NODE = "governance.add_orgnode"
    CHANGE_NODE = "governance.change_orgnode"
    DELETE_NODE = "governance.delete_orgnode"
    VIEW_USER = "governance.view_user"
    VIEW_DATA_EXPORTS = "governance.view_personaldataexport"
    VIEW_AUDIT_TRAIL = "auditlog.view_logentry"
    ADD_USER = "governance.add_user"
    CHANGE_USER = "governance.change_user"
    VIEW_WHISTLE = "services.view_whistle"
    TRIAGE_WHISTLE = "services.triage_whistle"
    HANDLE_WHISTLE = "services.handle_whistle"
    VIEW_CATEGORY = "services.view_category"
    VIEW_DEPARTMENT = "services.view_department"
    ADD_DEPARTMENT = "services.add_department"
    CHANGE_DEPARTMENT = "services.change_department"
    VIEW_CALLBACK = "services.view_callback"
    VIEW_HOUSEHOLD = "grids.view_household"
    ADD_HOUSEHOLD = "grids.add_household"
    VIEW_RESIDENT = "grids.view_resident"
    VIEW_STATION = "services.view_station"
    ADD_STATION = "services.add_station"
    CHANGE_STATION = "services.change_station"
    LOG_STATION_SERVICE = "services.add_servicelog"
    VIEW_WISH = "services.view_wish"
    MODERATE_WISH = "services.moderate_wish"
    VIEW_PARTNER_UNIT = "governance.view_partnerunit"
    ADD_PARTNER_UNIT = "governance.add_partnerunit"
    CHANGE_PARTNER_UNIT = "governance.change_partnerunit"
    VIEW_PARTY_MEMBER = "party.view_partymember"
    ADD_PARTY_MEMBER = "party.add_partymember"
    VIEW_VOLUNTEERS = "volunteers.view_volunteerprofile"
    MANAGE_VOLUNTEERS = "volunteers.change_activity"  # activities, hours, gifts of the area
    RUN_STAR_RATING = "volunteers.add_starround"


_MANAGE_TREE = {Perm.VIEW_TREE, Perm.ADD_NODE, Perm.CHANGE_NODE, Perm.DELETE_NODE}
# The grid registers: community cadres keep them; street cadres and grid workers read them.
_GRID_REGISTERS = {
    f"grids.{action}_{model}"
    for action in ("view", "add", "change", "delete")
    for model in (
        "gridprofile",
        "workerassignment",
        "buildingprofile",
        "household",
        "resident",
        "carerecord",
    )
}
_READ_GRID_REGISTERS = {p for p in _GRID_REGISTERS if ".view_" in p} | {
    "grids.view_residenttag",
    "grids.view_visit",
}
# Volunteer service: cadres run it for their area; ledger entries are only ever read.
_VOLUNTEER_WORK = {
    f"volunteers.{action}_{model}"
    for action in ("view", "add", "change")
    for model in (
        "volunteerprofile",
        "team",
        "membership",
        "activity",
        "signup",
        "servicehours",
        "reward",
        "redemption",
    )
} | {"volunteers.view_ledgerentry", "volunteers.view_starround", "volunteers.view_staraward"}
# The party member roster: community cadres keep it; street cadres and grid workers read it.
_PARTY_ROSTER = {f"party.{action}_partymember" for action in ("view", "add", "change", "delete")}
_STATION_WORK = {Perm.VIEW_STATION, Perm.LOG_STATION_SERVICE, Perm.VIEW_COMMAND_CENTER}
# A station's hours, holidays and amenities are edited on its admin page (inlines).
_STATION_DETAILS = {
    f"services.{action}_{model}"
    for action in ("view", "add", "change", "delete")
    for model in ("openinghours", "openingexception", "stationamenity")
}
_CADRE_WORK = {
    Perm.VIEW_DATA_EXPORTS,
    Perm.VIEW_AUDIT_TRAIL,
    *_STATION_WORK,
    *_STATION_DETAILS,
    Perm.ADD_STATION,
    Perm.CHANGE_STATION,
    Perm.VIEW_WISH,
    Perm.MODERATE_WISH,
    Perm.VIEW_PARTNER_UNIT,
    Perm.ADD_PARTNER_UNIT,
    Perm.CHANGE_PARTNER_UNIT,
    Perm.VIEW_WHISTLE,
    Perm.TRIAGE_WHISTLE,
    Perm.VIEW_CATEGORY,
    Perm.VIEW_DEPARTMENT,
    Perm.VIEW_CALLBACK,
    *_VOLUNTEER_WORK,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STREET_CADRE: frozenset(
        _MANAGE_TREE
        | _CADRE_WORK
        | _READ_GRID_REGISTERS
        | {
            "grids.add_gridprofile",
            "grids.change_gridprofile",
            "grids.add_workerassignment",
            "grids.change_workerassignment",
            "grids.delete_workerassignment",
            Perm.VIEW_USER,
            Perm.ADD_USER,
            Perm.CHANGE_USER,
            Perm.ADD_DEPARTMENT,
            Perm.CHANGE_DEPARTMENT,
            Perm.RUN_STAR_RATING,
            Perm.VIEW_PARTY_MEMBER,
            *(f"party.{action}_servicerequirement" for action in ("view", "add", "change")),
        }
    ),
    Role.COMMUNITY_CADRE: frozenset(
        _MANAGE_TREE
        | _CADRE_WORK
        | _GRID_REGISTERS
        | _READ_GRID_REGISTERS
        | _PARTY_ROSTER
        # The community's grid workers and volunteers (MANAGED_ROLES): Django's user admin
        # adds only with both permissions.
        | {Perm.VIEW_USER, Perm.ADD_USER, Perm.CHANGE_USER}
    ),
    Role.GRID_WORKER: frozenset(
        {
            Perm.VIEW_TREE,
            Perm.VIEW_WHISTLE,
            Perm.HANDLE_WHISTLE,
            Perm.VIEW_CALLBACK,
            *_STATION_WORK,
            *_READ_GRID_REGISTERS,
            Perm.VIEW_PARTY_MEMBER,
        }
    ),
    Role.DEPARTMENT_HANDLER: frozenset({Perm.VIEW_WHISTLE, Perm.HANDLE_WHISTLE}),
    Role.VOLUNTEER: frozenset(),
}


class RoleBackend(ModelBackend):
    """ModelBackend plus the permissions of the user's role."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perms = set(super().get_all_permissions(user_obj, obj))
        return perms | ROLE_PERMISSIONS.get(user_obj.role, frozenset())
