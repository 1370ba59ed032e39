"""Who is who on a node: the recipients of notifications and reminders."""

from governance.models import Role, User


def staff_on(node, roles):
    if node is None:
        return User.objects.none()
    return User.objects.filter(node=node, role__in=roles, is_active=True)


def cadres_of(node):
    return staff_on(node, (Role.STREET_CADRE, Role.COMMUNITY_CADRE))


def grid_workers_of(grid):
    return staff_on(grid, (Role.GRID_WORKER,))
