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
