from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import NodeKind, OrgNode, PartnerUnit, User, mainland_mobile
from governance.scope import ScopedQuerySet

# The nodes a member's party organisation can be: a community party committee or a grid
# party branch (a unit's members hang on the node the unit pairs with, through `unit`).
BRANCH_KINDS = (NodeKind.COMMUNITY, NodeKind.GRID)


class MemberKind(models.TextChoices):
    FULL = "full", pgettext_lazy("party membership", "Full member")
    PROBATIONARY = "probationary", pgettext_lazy("party membership", "Probationary member")


class MemberStatus(models.TextChoices):
    EMPLOYED = "employed", pgettext_lazy("party member status", "In service")
    RETIRED = "retired", pgettext_lazy("party member status", "Retired")
    MOBILE = "mobile", pgettext_lazy("party member status", "Mobile")
    LOST = "lost", pgettext_lazy("party member status", "Out of contact")


class PartyMemberQuerySet(ScopedQuerySet):
    node_path = "node"


class PartyMember(models.Model):
    """A row of the party member roster (党员名册). A member may have no login; names and
    mobiles are shown by the one masking rule (governance.masking.sees_contact)."""

    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mainland_mobile])
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="party_members",
        help_text=_("The community party committee or grid party branch the member belongs to."),
    )
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("unit party organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_members",
        help_text=_("For a member whose party organisation is a unit outside the tree."),
    )
    kind = models.CharField(
        _("membership"), max_length=20, choices=MemberKind.choices, default=MemberKind.FULL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.RETIRED
    )
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    workplace = models.CharField(
        _("workplace party organisation"),
        max_length=100,
        blank=True,
        help_text=_("For members in service: the party organisation where they work."),
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_member",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["node__tree_id", "node__lft", "name", "pk"]
        constraints = [
            # The roster import's key: importing the same file again changes nothing.
            models.UniqueConstraint(
                fields=["node", "name", "mobile"], name="party_member_once_per_branch"
            ),
        ]
        indexes = [models.Index(fields=["node", "kind", "status"], name="party_member_node_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.node_id and self.node.kind not in BRANCH_KINDS:
            raise ValidationError(
                {"node": _("Choose a community party committee or a grid party branch.")}
            )


# --- In-service members reporting to where they live (在职党员双报到)


class ServiceKind(models.TextChoices):
    """The usual eight kinds of service post (服务岗位)."""

    ORGANISATION = "organisation", pgettext_lazy("service post kind", "Organisation building")
    LEGAL = "legal", pgettext_lazy("service post kind", "Legal advice and aid")
    ASSISTANCE = (
        "assistance",
        pgettext_lazy("service post kind", "Help for the poor and disabled, job assistance"),
    )
    GOVERNANCE = "governance", pgettext_lazy("service post kind", "Community governance")
    HEALTH = "health", pgettext_lazy("service post kind", "Health and medical care")
    CULTURE = "culture", pgettext_lazy("service post kind", "Culture and sports")
    SAFETY = "safety", pgettext_lazy("service post kind", "Safety education and patrols")
    OTHER = "other", pgettext_lazy("service post kind", "Other")


class MemberReportQuerySet(ScopedQuerySet):
    node_path = "community"


class MemberReport(models.Model):
    """An in-service member's report to the community they live in (在职党员报到): once per
    member; the community confirms it."""

    member = models.OneToOneField(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.CASCADE,
        related_name="report",
    )
    community = models.ForeignKey(
        OrgNode,
        verbose_name=_("residential community"),
        on_delete=models.PROTECT,
        related_name="member_reports",
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    preferred_kinds = models.JSONField(_("preferred kinds of post"), default=list, blank=True)
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = MemberReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("member report")
        verbose_name_plural = _("member reports")
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{self.member} → {self.community}"

    def preferred_labels(self):
        labels = dict(ServiceKind.choices)
        return [labels[kind] for kind in self.preferred_kinds if kind in labels]


class ServicePostQuerySet(ScopedQuerySet):
    node_path = "community"


class ServicePost(models.Model):
    """A post a community publishes for reported members to take (服务岗位)."""

    community = models.ForeignKey(
        OrgNode,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="service_posts",
    )
    kind = models.CharField(_("kind of post"), max_length=20, choices=ServiceKind.choices)
    title = models.CharField(_("title"), max_length=100)
    needed = models.PositiveSmallIntegerField(_("people needed"))
    open = models.BooleanField(_("open for claims"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ServicePostQuerySet.as_manager()

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["community__lft", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(needed__gte=1), name="post_needs_someone")
        ]

    def __str__(self):
        return self.title


class PostClaim(models.Model):
    """A reported member taking a post; the community confirms it. Claims never exceed the
    post's `needed` (party.posts.claim locks the post)."""

    post = models.ForeignKey(
        ServicePost, verbose_name=_("service post"), on_delete=models.CASCADE, related_name="claims"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.CASCADE,
        related_name="post_claims",
    )
    claimed_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["claimed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="post_claimed_once")]

    def __str__(self):
        return f"{self.member} → {self.post}"


class UnitReportQuerySet(ScopedQuerySet):
    node_path = "community"


class UnitReport(models.Model):
    """A unit's party organisation reporting to the community it sits in (单位党组织报到),
    with its reporting slip (报到单); the community signs for it."""

    unit = models.ForeignKey(
        PartnerUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reports"
    )
    community = models.ForeignKey(
        OrgNode,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="unit_reports",
    )
    contact = models.ForeignKey(
        User,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    members_count = models.PositiveIntegerField(_("party members"))
    offer = models.TextField(_("what the unit can offer"), max_length=1000)
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    signed_by = models.ForeignKey(
        User,
        verbose_name=_("signed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    objects = UnitReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "community"], name="unit_reports_once")
        ]

    def __str__(self):
        return f"{self.unit} → {self.community}"
