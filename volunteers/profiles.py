"""Volunteer profiles: anyone who serves gets one, created on first need."""

from governance.masking import mask_name
from governance.models import NodeKind, Role
from governance.permissions import Perm
from governance.roles import TREE_ROLES
from governance.scope import subtree_q, visible_q
from volunteers.models import VolunteerProfile


def home_community(user):
    """The community the user's node lies in, if any (a volunteer's home is a community or
    below; a cadre of a street has none)."""
    node = user.node
    if node is None or node.kind < NodeKind.COMMUNITY:
        return None
    if node.kind == NodeKind.COMMUNITY:
        return node
    return node.get_ancestors().get(kind=NodeKind.COMMUNITY)


def profile_for(user):
    profile = getattr(user, "volunteer", None)
    if profile is not None:
        return profile
    profile, _ = VolunteerProfile.objects.get_or_create(
        user=user, defaults={"community": home_community(user)}
    )
    return profile


def shown_profile(user):
    """The user's profile for a page to read. Only a step (signing up, joining, earning)
    registers someone; until then an unsaved profile shows no points and no history."""
    return getattr(user, "volunteer", None) or VolunteerProfile(
        user=user, community=home_community(user)
    )


def open_to(queryset, user, node_path="node"):
    """What someone sees of teams, activities and rewards: staff (cadres, grid workers) their
    own area, like every other record; a volunteer what their whole home street offers —
    both through the shared tree-range filter. Someone with neither sees none until their
    community registers them."""
    q = visible_q(user, node_path)
    if user.role in TREE_ROLES:
        return queryset.none() if q is None else queryset.filter(q)
    profile = getattr(user, "volunteer", None)
    community = profile.community if profile and profile.community_id else home_community(user)
    if community is not None:
        street = subtree_q(community.parent, node_path)
        q = street if q is None else q | street
    return queryset.none() if q is None else queryset.filter(q)


def may_see(user, profile):
    """Certificates and the proof of service: the volunteer themself, or the cadres of their
    own community (who issue them)."""
    return user.pk == profile.user_id or (
        user.has_perm(Perm.VIEW_VOLUNTEERS) and reads_name_of(user, profile)
    )


# Who reads volunteers' names in full: the community that keeps the register; the street
# reads it masked, as it reads the residents' register (grids/privacy.py).
def reads_names(viewer):
    return viewer.is_superuser or viewer.role == Role.COMMUNITY_CADRE


def reads_name_of(viewer, profile):
    return viewer.is_superuser or (
        reads_names(viewer)
        and profile.community_id is not None
        and viewer.node_id == profile.community_id
    )


def shown_name(viewer, profile, *, leader=False):
    """In full for the cadres of the volunteer's own community and for `leader`s of their
    team (who call them); masked for everyone else."""
    name = str(profile.user)
    return name if leader or reads_name_of(viewer, profile) else mask_name(name)
