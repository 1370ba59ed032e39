"""What every resident submission (a whistle, a micro-wish) has: an unguessable tracking
code, the place it concerns, and where it was sent from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import NodeKind, OrgNode


class ResidentSubmission(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    community = models.ForeignKey(
        OrgNode,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": NodeKind.COMMUNITY},
    )
    building = models.ForeignKey(
        OrgNode,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"kind": NodeKind.BUILDING},
    )
    source = models.CharField(
        _("source"),
        max_length=40,
        blank=True,
        help_text=_("A service station code when sent from its poster."),
    )

    class Meta:
        abstract = True
