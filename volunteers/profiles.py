"""Volunteer profiles: anyone who serves gets one, created on first need."""

from governance.models import NodeKind
from governance.permissions import Perm
from governance.scope import in_scope, sees_everything, subtree_q
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


def open_to(queryset, user, node_path="node"):
    """What a volunteer sees of teams, activities and rewards: those of their home street,
    through the shared tree-range filter (everything, for one without a home community)."""
    if not user.is_authenticated:
        return queryset
    profile = getattr(user, "volunteer", None)
    community = profile.community if profile and profile.community_id else home_community(user)
    if community is None:
        return queryset
    return queryset.filter(subtree_q(community.parent, node_path))


def may_see(user, profile):
    """The volunteer themself, or a cadre whose area holds their home community."""
    if user.pk == profile.user_id:
        return True
    if not user.has_perm(Perm.VIEW_VOLUNTEERS):
        return False
    return sees_everything(user) or (
        profile.community is not None and in_scope(user, profile.community)
    )
