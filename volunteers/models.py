"""Volunteer service. For now: the points awards other workflows hand over, kept so that
nothing is lost before the points ledger lands (issue: volunteer service)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import User


class PointAward(models.Model):
    """Points owed to a volunteer for something done elsewhere (a fulfilled micro-wish).

    The idempotency key makes a replayed award a no-op; `posted_at` will be set when the
    ledger books it."""

    user = models.ForeignKey(
        User, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="point_awards"
    )
    points = models.PositiveIntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=200)
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("awarded"), default=timezone.now)
    posted_at = models.DateTimeField(_("booked in the ledger"), null=True, blank=True)

    class Meta:
        verbose_name = _("points award")
        verbose_name_plural = _("points awards")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} +{self.points} {self.reason}"
