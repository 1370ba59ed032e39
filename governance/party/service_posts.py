"""What the service post pages list: a reported member's community's posts with the places
left, and the cadre's posts, reports and claims waiting to be confirmed (each list one
query, whatever its length)."""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q

from governance.masking import mask_name, sees_contact
from governance.models import NodeKind, OrgNode
from governance.party.models import MemberReport, PostClaim, ServicePost, UnitReport


def _with_taken(posts):
    full = ExpressionWrapper(Q(taken__gte=F("needed")), output_field=BooleanField())
    return posts.annotate(taken=Count("claims")).annotate(full=full).select_related("community")


def posts_for(member):
    """The open posts of the community the member reported to, with `taken` and `mine`."""
    report = getattr(member, "report", None) if member else None
    if report is None:
        return ServicePost.objects.none()
    mine = PostClaim.objects.filter(post=OuterRef("pk"), member=member)
    return _with_taken(ServicePost.objects.filter(community=report.community, open=True)).annotate(
        mine=Exists(mine)
    )


@dataclass(frozen=True)
class Waiting:
    """A report or claim waiting for the community, named as this viewer may see."""

    pk: int
    who: str
    what: str
    community: str
    at: object


def _who(user, member, community):
    # The community a member reported to keeps their contact, wherever their branch is.
    return member.name if sees_contact(user, community) else mask_name(member.name)


def overview(user):
    posts = _with_taken(ServicePost.objects.visible_to(user))
    reports = (
        MemberReport.objects.visible_to(user)
        .filter(confirmed_at=None)
        .select_related("member__node", "community")
    )
    claims = (
        PostClaim.objects.filter(post__in=ServicePost.objects.visible_to(user), confirmed_at=None)
        .select_related("member__node", "post__community")
        .order_by("claimed_at", "pk")
    )
    communities = OrgNode.objects.visible_to(user).filter(kind=NodeKind.COMMUNITY)
    units = (
        UnitReport.objects.visible_to(user)
        .filter(signed_at=None)
        .select_related("unit", "community")
        .order_by("reported_at", "pk")
    )
    signed = (
        UnitReport.objects.visible_to(user)
        .exclude(signed_at=None)
        .select_related("unit", "community")
        .order_by("unit__name", "pk")
    )
    return {
        "unit_reports": list(units),
        "signed_units": list(signed),
        "communities": list(communities.order_by("tree_id", "lft")),
        "posts": list(posts),
        "reports": [
            Waiting(
                r.pk,
                _who(user, r.member, r.community),
                ", ".join(filter(None, [r.member.workplace, r.skills])),
                r.community.place,
                r.reported_at,
            )
            for r in reports
        ],
        "claims": [
            Waiting(
                c.pk,
                _who(user, c.member, c.post.community),
                c.post.title,
                c.post.community.place,
                c.claimed_at,
            )
            for c in claims
        ],
    }
