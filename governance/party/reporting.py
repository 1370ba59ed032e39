"""In-service members report to the community they live in (在职党员报到) and take the posts
it publishes (服务岗位); units report to the community they sit in (单位党组织报到); the
community confirms and signs. A member reports once; a post never
takes more people than it needs, however many claim it at once (the post row is locked)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import NodeKind, PartnerUnit
from governance.notifications import notify
from governance.party.models import (
    MemberReport,
    MemberStatus,
    PartyMember,
    PostClaim,
    ServicePost,
    UnitReport,
)
from governance.permissions import Perm
from governance.scope import in_scope


def member_of(user):
    return PartyMember.objects.filter(user=user).select_related("report__community").first()


def report(user, community, *, workplace, skills, preferred_kinds):
    """The user's report to `community`: their roster row is found (by login, or by name and
    mobile on a roster, then linked) or made as an in-service member of that community."""
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationError(_("Members report to a community."))
    if not user.is_party_member:
        raise ValidationError(
            _("Only party members report here; ask the community to put you on its roster.")
        )
    try:
        with transaction.atomic():
            member = _member_for(user, community, workplace)
            done = MemberReport.objects.filter(member=member).select_related("community").first()
            if done is not None:
                raise ValidationError(
                    _("You have already reported to %(community)s.")
                    % {"community": done.community.place}
                )
            return MemberReport.objects.create(
                member=member,
                community=community,
                skills=skills,
                preferred_kinds=list(preferred_kinds),
            )
    except IntegrityError:  # the same member reporting twice at once: the first stands
        raise ValidationError(_("You have already reported to a community.")) from None


def _member_for(user, community, workplace):
    member = PartyMember.objects.select_for_update().filter(user=user).first()
    if member is None and user.mobile:
        member = (
            PartyMember.objects.select_for_update()
            .filter(user=None, name=user.full_name, mobile=user.mobile)
            .first()
        )
        if member is not None:
            member.user = user
    if member is None:
        member = PartyMember(
            user=user,
            node=community,
            name=user.full_name or user.username,
            mobile=user.mobile,
            status=MemberStatus.EMPLOYED,
        )
    if workplace:
        member.workplace = workplace
    member.save()
    return member


def _may_keep(user, community):
    if not (user.has_perm(Perm.ADD_PARTY_MEMBER) and in_scope(user, community)):
        raise PermissionDenied


def _confirmed(user, step, community):
    """Stamp the step confirmed by `user` (once); True when it was waiting until now."""
    _may_keep(user, community)
    if step.confirmed_at is not None:
        return False
    step.confirmed_by, step.confirmed_at = user, timezone.now()
    step.save(update_fields=["confirmed_by", "confirmed_at"])
    return True


def confirm_report(user, member_report):
    if _confirmed(user, member_report, member_report.community) and member_report.member.user_id:
        notify(
            [member_report.member.user],
            title=_("%(community)s confirmed your report")
            % {"community": member_report.community.place},
            url=reverse("party-posts"),
        )
    return member_report


def publish(user, community, *, kind, title, needed):
    _may_keep(user, community)
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationError(_("A community publishes service posts."))
    return ServicePost.objects.create(community=community, kind=kind, title=title, needed=needed)


def claim(user, post_id):
    """The user takes the post: refused when they have not reported to its community, when it
    is closed or full, or when they hold it already."""
    member = member_of(user)
    with transaction.atomic():
        # Locked: concurrent claims of the last place wait here and then count this one.
        post = ServicePost.objects.select_for_update().select_related("community").get(pk=post_id)
        member_report = getattr(member, "report", None) if member else None
        if member_report is None or member_report.community_id != post.community_id:
            raise ValidationError(
                _("Report to %(community)s first: its posts are for the members living there.")
                % {"community": post.community.place}
            )
        if not post.open:
            raise ValidationError(_("This post is closed."))
        taken = list(post.claims.values_list("member_id", flat=True))
        if member.pk in taken:
            raise ValidationError(_("You have already taken this post."))
        if len(taken) >= post.needed:
            raise ValidationError(
                _("This post is full: it needs %(needed)d and all have come forward.")
                % {"needed": post.needed}
            )
        return PostClaim.objects.create(post=post, member=member)


def confirm_claim(user, post_claim):
    _confirmed(user, post_claim, post_claim.post.community)
    return post_claim


# --- Units reporting to the community they sit in (单位党组织报到)


def units_of(user):
    """The partner units the user is a contact of: they report for them."""
    return PartnerUnit.objects.filter(contacts=user).select_related("node").order_by("name")


def report_unit(user, unit, community, *, members_count, offer):
    if not unit.contacts.filter(pk=user.pk).exists():
        raise PermissionDenied
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationError(_("Units report to a community."))
    if community.tree_id != unit.node.tree_id:
        raise ValidationError(_("A unit reports to a community of the street it is paired with."))
    try:
        with transaction.atomic():
            return UnitReport.objects.create(
                unit=unit,
                community=community,
                contact=user,
                members_count=members_count,
                offer=offer,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(unit)s has already reported to %(community)s.")
            % {"unit": unit.name, "community": community.place}
        ) from None


def sign_unit_report(user, unit_report):
    """The community signs the slip; the unit's contact gets the receipt in their inbox."""
    _may_keep(user, unit_report.community)
    if unit_report.signed_at is None:
        unit_report.signed_by, unit_report.signed_at = user, timezone.now()
        unit_report.save(update_fields=["signed_by", "signed_at"])
        if unit_report.contact_id:
            notify(
                [unit_report.contact],
                title=_("%(community)s signed the report of %(unit)s")
                % {"community": unit_report.community.place, "unit": unit_report.unit.name},
                body=_("Signed on %(date)s.") % {"date": timezone.localdate().isoformat()},
                url=reverse("party-unit-report"),
            )
    return unit_report
