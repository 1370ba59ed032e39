"""The organisation tree (one nested-set tree per street) and the accounts attached to it."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from governance.roles import Role
from governance.scope import ScopedQuerySet
from governance.tree import (
    NEW_TREE,
    TREE_NUMBERS,
    LockedTreeManager,
    write_lock,
)

mainland_mobile = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a mainland mobile number: 11 digits starting with 13-19.")
)


class NodeKind(models.IntegerChoices):
    """A node's kind is its depth: each kind sits exactly one level below the previous one."""

    STREET = 0, _("Street party working committee")
    COMMUNITY = 1, _("Community party committee")
    GRID = 2, _("Grid party branch")
    BUILDING = 3, _("Building party group")
    HOUSEHOLD = 4, _("Party-member household")


class OrgNodeQuerySet(ScopedQuerySet):
    node_path = ""  # the node is the row itself


class OrgNode(MPTTModel):
    kind = models.PositiveSmallIntegerField(_("kind"), choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Use letters, digits and hyphens."))],
        help_text=_("A short unique code, e.g. HX-03-12."),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The place as residents call it (红旗社区, 锦绣苑3号楼); the name is used if empty."
        ),
    )
    # Where the place is (a building, a community's centre): for distances to stations.
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    parent = TreeForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    # Declared so django-mptt does not add its own index on tree_id alone: every lookup by
    # tree is served by (tree_id, lft), and each index is one more write per renumbered node.
    tree_id = models.PositiveIntegerField(editable=False)

    objects = OrgNodeQuerySet.as_manager()
    tree = LockedTreeManager()

    class Meta:
        verbose_name = _("organisation node")
        verbose_name_plural = _("organisation tree")
        permissions = [("view_command_center", _("Open the command center for the subtree"))]
        # Every subtree is a range on (tree_id, lft). django-mptt adds this index to the class
        # at runtime, which makemigrations never picked up: declared here, so it exists.
        indexes = [models.Index(fields=["tree_id", "lft"], name="orgnode_tree_range_idx")]
        constraints = [
            # Unique as a constraint, not a unique field: on PostgreSQL a unique CharField also
            # gets a LIKE index, which no query uses and every tree renumbering writes.
            models.UniqueConstraint(fields=["code"], name="orgnode_code_unique"),
            # The kind rule, held by the database as well: kind == depth in the tree.
            models.CheckConstraint(
                condition=models.Q(kind=models.F("level")), name="orgnode_kind_matches_level"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def place(self):
        """The place this organisation serves, for residents and addresses."""
        return self.place_name or self.name

    def parent_error(self, parent):
        """Why `parent` cannot hold this node (of its kind), or None when it can."""
        kind = self.kind
        if kind is None:
            return None
        if kind == NodeKind.STREET:
            return _("A street is a root: it cannot have a parent.") if parent else None
        if parent is None:
            return _("A %(kind)s needs a parent.") % {"kind": NodeKind(kind).label}
        if parent.kind != kind - 1:
            return _(
                "A %(kind)s must sit directly under a %(expected)s, not under a %(actual)s."
            ) % {
                "kind": NodeKind(kind).label,
                "expected": NodeKind(kind - 1).label,
                "actual": NodeKind(parent.kind).label,
            }
        return None

    def clean(self):
        super().clean()
        error = self.parent_error(self.parent)
        if error:
            raise ValidationError({"parent": error})

    def save(self, *args, **kwargs):
        # Structural writes hold the tree's advisory lock (see governance.tree).
        with write_lock(self._trees_touched_by_save()):
            # mptt decides and performs a move from in-memory values that another writer may
            # have changed since this instance was loaded: re-read them under the lock.
            if self.parent_id:
                self.parent.refresh_from_db(fields=TREE_NUMBERS)
            if self.pk and not self._state.adding:
                self._mptt_cached_fields["parent"] = (
                    OrgNode.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first()
                )
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with write_lock([self.tree_id]):
            return super().delete(*args, **kwargs)

    def _trees_touched_by_save(self):
        touched = {self.tree_id} if self.pk and self.tree_id else set()
        if self.parent_id:
            touched.add(self.parent.tree_id)
        elif not self.pk:
            touched.add(NEW_TREE)
        return touched


# The node kind each role is attached to; volunteers hang on their home community or below.
ROLE_NODE_KIND = {
    Role.STREET_CADRE: NodeKind.STREET,
    Role.COMMUNITY_CADRE: NodeKind.COMMUNITY,
    Role.GRID_WORKER: NodeKind.GRID,
    Role.DEPARTMENT_HANDLER: NodeKind.STREET,
}
CADRE_ROLES = (Role.STREET_CADRE, Role.COMMUNITY_CADRE)


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mainland_mobile])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    node = TreeForeignKey(
        OrgNode,
        verbose_name=_("organisation node"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees and acts on this node's subtree."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator resets the password: asked at the next login."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    # The admin greets people by these: the one name field, not first/last names.
    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.is_superuser and self.node_id:
            raise ValidationError({"node": _("A superuser sees everything: leave the node empty.")})
        if (
            self.role == Role.VOLUNTEER
            and self.node is not None
            and (self.node.kind < NodeKind.COMMUNITY)
        ):
            raise ValidationError({"node": _("A volunteer's home is a community or below.")})
        expected = ROLE_NODE_KIND.get(self.role)
        if expected is not None and (self.node is None or self.node.kind != expected):
            raise ValidationError(
                {
                    "node": _("A %(role)s must be attached to a %(kind)s.")
                    % {"role": self.get_role_display(), "kind": expected.label}
                }
            )


class TimelineEvent(models.Model):
    """One recorded state change: who, when, what, and a note. Each workflow's event table
    extends this and is written in the same transaction as the change it records."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the resident or the system."),
    )
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(
        _("shown to the resident"),
        default=False,
        help_text=_("The step appears on the resident's page, never with the staff name."),
    )
    note_public = models.BooleanField(
        _("note shown to the resident"),
        default=False,
        help_text=_("Only notes written for the resident (a reason, the result) are shown."),
    )

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class Notification(models.Model):
    """The in-app inbox; outbound channels (SMS, WeChat, the log) deliver from here."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered outbound"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed delivery attempts"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["delivered_at", "created_at"]),
        ]

    def __str__(self):
        return self.title


class PersonalDataExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from governance.scope import restrict

        return restrict(self, user, "user__node")


class PersonalDataExport(models.Model):
    """Who took a file carrying people's names or numbers out of the portal, and when
    (个人信息保护法: processing of personal information is recorded). Written by
    governance.downloads, never edited."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    path = models.CharField(_("address"), max_length=300)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = PersonalDataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.filename}"


# --- The party organisation's partners


class PartnerUnitQuerySet(ScopedQuerySet):
    node_path = "node"


class PartnerUnit(models.Model):
    """A unit paired with a community or street (结对共建单位); its contact users claim
    wishes on its behalf."""

    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("paired with"),
        on_delete=models.PROTECT,
        related_name="partner_units",
    )
    contacts = models.ManyToManyField(
        User, verbose_name=_("contact users"), blank=True, related_name="partner_units"
    )
    # The pairing agreement (结对共建协议).
    agreement_start = models.DateField(_("paired from"), null=True, blank=True)
    agreement_end = models.DateField(_("paired until"), null=True, blank=True)
    goals = models.TextField(_("goals of the pairing"), max_length=2000, blank=True)

    objects = PartnerUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["name"]

    def __str__(self):
        return self.name


# --- Text messages to residents


class OutboundSMS(models.Model):
    """One text message, written in the transaction of the step it tells of. Its unique key
    (the object and the event) means a message is queued once, however often it is asked
    for; `claimed_at` is taken before sending, so two workers never send it twice."""

    mobile = models.CharField(_("mobile"), max_length=11)
    text = models.CharField(_("message"), max_length=500)
    dedupe_key = models.CharField(_("message key"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    gave_up_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # What beat looks for: still to send.
            models.Index(
                fields=["next_attempt_at"],
                name="sms_pending_idx",
                condition=models.Q(sent_at__isnull=True, gave_up_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.dedupe_key
