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


class CommunityScoped(ScopedQuerySet):
    """Rows placed on the tree by the community they belong to."""

    node_path = "community"


class UnitScoped(ScopedQuerySet):
    """Rows placed on the tree by their partner unit's node."""

    node_path = "unit__node"


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

    objects = ScopedQuerySet.as_manager()

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


class ConfirmedByCommunity(models.Model):
    """A step the community confirms: who and when, empty while it waits."""

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
        abstract = True


class MemberReport(ConfirmedByCommunity):
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
    # The month a reminder of the yearly requirement last went out (once a month at most).
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("member report")
        verbose_name_plural = _("member reports")
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{self.member} → {self.community}"

    def preferred_labels(self):
        labels = dict(ServiceKind.choices)
        return [labels[kind] for kind in self.preferred_kinds if kind in labels]


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

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["community__lft", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(needed__gte=1), name="post_needs_someone")
        ]

    def __str__(self):
        return self.title


class PostClaim(ConfirmedByCommunity):
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

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["claimed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="post_claimed_once")]

    def __str__(self):
        return f"{self.member} → {self.post}"


class UnitReport(models.Model):
    """A unit's party organisation reporting to the community it sits in (单位党组织报到),
    with its reporting slip (报到单); the community signs for it."""

    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=pgettext_lazy("organisation", "unit"),
        on_delete=models.CASCADE,
        related_name="reports",
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

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "community"], name="unit_reports_once")
        ]

    def __str__(self):
        return f"{self.unit} → {self.community}"


# --- Pairing (结对共建) and the three lists (三张清单), party alliances (党建联盟)


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    MATCHED = "matched", pgettext_lazy("need status", "Matched")
    DONE = "done", pgettext_lazy("need status", "Met")


class NeedSource(models.TextChoices):
    CADRE = "cadre", _("Community")
    WISH = "wish", _("Residents' micro-wishes")
    RESIDENTS = "residents", _("Residents' requests")


class Need(models.Model):
    """A row of a community's needs list (群众需求清单)."""

    community = models.ForeignKey(
        OrgNode, verbose_name=_("community"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("title"), max_length=100)
    detail = models.TextField(_("detail"), max_length=2000, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=NeedSource.choices, default=NeedSource.CADRE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs list")
        ordering = ["status", "-created_at", "-pk"]

    def __str__(self):
        return self.title


class ResourceKind(models.TextChoices):
    VENUE = "venue", pgettext_lazy("resource kind", "Venue")
    FUNDS = "funds", pgettext_lazy("resource kind", "Funds")
    SKILLS = "skills", pgettext_lazy("resource kind", "Skills")
    PEOPLE = "people", pgettext_lazy("resource kind", "People")
    GOODS = "goods", pgettext_lazy("resource kind", "Goods")


class Resource(models.Model):
    """A row of a unit's resources list (资源清单)."""

    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=pgettext_lazy("organisation", "unit"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=100)
    detail = models.TextField(_("detail"), max_length=2000, blank=True)
    available = models.BooleanField(_("available"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = UnitScoped.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources list")
        ordering = ["unit__name", "kind", "title", "pk"]

    def __str__(self):
        return f"{self.unit} · {self.title}"


class Alliance(models.Model):
    """A party alliance (党建联盟) of units at a street or a community."""

    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("led by"), on_delete=models.PROTECT, related_name="alliances"
    )
    units = models.ManyToManyField(
        PartnerUnit, verbose_name=_("member units"), related_name="alliances", blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party alliance")
        verbose_name_plural = _("party alliances")
        ordering = ["node__tree_id", "node__lft", "name"]

    def __str__(self):
        return self.name


class AllianceMeeting(models.Model):
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("party alliance"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("alliance meeting")
        verbose_name_plural = _("alliance meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.alliance} {self.held_on}"


class ProjectStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("project status", "Under way")
    DONE = "done", pgettext_lazy("project status", "Done")


class Project(models.Model):
    """A row of the project list (项目清单): what a unit took on for which need."""

    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=pgettext_lazy("organisation", "unit"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("party alliance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=100)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.OPEN
    )
    started_on = models.DateField(_("started on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = UnitScoped.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("project list")
        ordering = ["status", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_percent")
        ]

    def __str__(self):
        return self.title


def project_photo_path(update, filename):
    # An unguessable name: photos are served only through the project's page.
    from governance.public import random_token

    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"party/projects/{update.project_id}/{random_token(24)}.{suffix}"


class ProjectUpdate(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"), max_length=2000)
    photo = models.ImageField(_("photo"), upload_to=project_photo_path, blank=True)

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.project} {self.progress}%"


# --- The service card (服务登记卡)


class ServiceEntry(models.Model):
    """A service a cadre writes on a member's card, beyond what the portal recorded."""

    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.CASCADE,
        related_name="service_entries",
    )
    on = models.DateField(_("date"))
    what = models.CharField(_("service"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    added_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service entry")
        verbose_name_plural = _("service entries")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return self.what


class ServiceRequirement(models.Model):
    """How many services a year a street asks of each reported member."""

    street = models.OneToOneField(
        OrgNode,
        verbose_name=_("street"),
        on_delete=models.CASCADE,
        related_name="service_requirement",
        limit_choices_to={"kind": NodeKind.STREET},
    )
    services_per_year = models.PositiveSmallIntegerField(_("services a year"))

    class Meta:
        verbose_name = _("yearly service requirement")
        verbose_name_plural = _("yearly service requirements")

    def __str__(self):
        return f"{self.street}: {self.services_per_year}"


# --- Feedback to the workplace (反馈) and the yearly appraisal (评议)


class Rating(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("appraisal", "Excellent")
    QUALIFIED = "qualified", pgettext_lazy("appraisal", "Qualified")
    BASIC = "basic", pgettext_lazy("appraisal", "Basically qualified")
    UNQUALIFIED = "unqualified", pgettext_lazy("appraisal", "Unqualified")


class Appraisal(models.Model):
    """A community's yearly rating of a reported member or of a reported unit."""

    year = models.PositiveSmallIntegerField(_("year"))
    community = models.ForeignKey(
        OrgNode, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=pgettext_lazy("organisation", "unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    rating = models.CharField(
        pgettext_lazy("appraisal", "rating"), max_length=20, choices=Rating.choices
    )
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) ^ models.Q(unit__isnull=True),
                name="appraisal_of_one",
            ),
            models.UniqueConstraint(
                fields=["year", "community", "member"], name="member_appraised_once"
            ),
            models.UniqueConstraint(
                fields=["year", "community", "unit"], name="unit_appraised_once"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.member or self.unit}: {self.get_rating_display()}"


class FeedbackLetter(models.Model):
    """A quarter's letter to a unit about its members' services in the community (反馈函),
    made once by beat; the contacts are told once."""

    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=pgettext_lazy("organisation", "unit"),
        on_delete=models.CASCADE,
        related_name="letters",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    notified_at = models.DateTimeField(_("contacts told"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback letter")
        verbose_name_plural = _("feedback letters")
        ordering = ["-year", "-quarter", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="letter_once"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="letter_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}Q{self.quarter}"
