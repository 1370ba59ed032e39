"""Micro-wishes (微心愿): posted by residents, claimed by people or partner units."""

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import OrgNode, PartnerUnit, TimelineEvent, User, mainland_mobile
from governance.scope import ScopedQuerySet
from governance.submissions import ResidentSubmission


class WishFor(models.TextChoices):
    SELF = "self", _("Myself")
    CHILD = "child", _("A child")
    ELDERLY = "elderly", _("An elderly neighbour")
    DISABLED = "disabled", _("A neighbour with a disability")
    FAMILY = "family", _("A family in difficulty")
    OTHER = "other", _("Someone else")


class WishCategory(models.TextChoices):
    STUDY = "study", _("Study supplies")
    DAILY = "daily", _("Daily necessities")
    REPAIR = "repair", _("Repair")
    COMPANY = "company", _("Companionship")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class WishStatus(models.TextChoices):
    POSTED = "posted", _("Waiting for review")
    APPROVED = "approved", _("On the wish wall")
    REJECTED = "rejected", _("Not published")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
    CONFIRMED = "confirmed", _("Lit")
    # Said twice not to be fulfilled, or given up after that: the community decides what next.
    RETURNED = "returned", _("Back with the community")


# A wish is lit (点亮) once the resident confirms it came true (or confirmation times out).
LIT_STATUSES = (WishStatus.CONFIRMED,)
# The community decides on a new wish, and on one the resident said twice was not fulfilled.
REVIEW_STATES = (WishStatus.POSTED, WishStatus.RETURNED)


class WishQuerySet(ScopedQuerySet):
    node_path = "node"

    def for_step(self):
        return self.select_related("community", "claim_within", "claimer")

    def on_wall(self):
        """What the public wall shows: open wishes and lit ones."""
        return self.filter(
            status__in=(
                WishStatus.APPROVED,
                WishStatus.CLAIMED,
                WishStatus.FULFILLED,
                *LIT_STATUSES,
            )
        )


def wish_photo_path(wish, filename):
    from governance.public import random_token

    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"wishes/{timezone.now():%Y/%m}/{random_token(24)}.{suffix}"


class Wish(ResidentSubmission):
    wish_for = models.CharField(_("for whom"), max_length=10, choices=WishFor.choices)
    category = models.CharField(_("category"), max_length=10, choices=WishCategory.choices)
    text = models.TextField(
        _("the wish"), validators=[MinLengthValidator(4), MaxLengthValidator(500)]
    )
    # What the resident wrote, kept for staff when a moderator edits the text for the wall.
    original_text = models.TextField(_("the wish as the resident wrote it"), blank=True)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("place"), on_delete=models.PROTECT, related_name="wishes"
    )
    photo = models.ImageField(_("photo"), upload_to=wish_photo_path, blank=True)
    poster_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    poster_mobile = models.CharField(_("mobile"), max_length=11, validators=[mainland_mobile])
    sms_consent = models.BooleanField(
        _("may be sent text messages"),
        default=False,
        help_text=_("The resident agreed to be told by SMS when the wish moves on."),
    )

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WishStatus.choices,
        default=WishStatus.POSTED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    party_members_only = models.BooleanField(_("only party members may claim"), default=False)
    claim_within = models.ForeignKey(
        OrgNode,
        verbose_name=_("only people of this subtree may claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimer = models.ForeignKey(
        User,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_wishes",
    )
    claimer_unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wishes",
    )
    show_claimer = models.BooleanField(_("claimer's name may be shown"), default=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_due = models.DateTimeField(_("fulfil by"), null=True, blank=True)
    claim_reminded_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    fulfilment_photo = models.ImageField(
        _("photo of the fulfilment"), upload_to=wish_photo_path, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    not_fulfilled_count = models.PositiveSmallIntegerField(
        _("times the resident said it was not fulfilled"),
        default=0,
        help_text=_(
            "The first time the wish goes back to its claimer; after that, to the community."
        ),
    )
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    open_since = models.DateTimeField(
        _("on the wall unclaimed since"),
        null=True,
        blank=True,
        help_text=_("Set on approval and whenever a claim is released."),
    )
    stale_flagged_at = models.DateTimeField(
        _("flagged unclaimed"),
        null=True,
        blank=True,
        help_text=_("Set when an approved wish has waited 14 days without a claimer."),
    )

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_wish", _("Approve and reject micro-wishes"))]
        constraints = [
            # One claimer at a time: a person or a partner unit's contact, never neither.
            models.CheckConstraint(
                condition=~Q(status__in=("claimed", "fulfilled", "confirmed"))
                | Q(claimer__isnull=False),
                name="wish_claimed_has_claimer",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.text[:20]}"

    @property
    def claimer_display(self):
        """What the wall may say about who lit the wish: the unit, or the person if they
        agreed; nothing before the wish is lit."""
        if self.status not in LIT_STATUSES:
            return ""
        if self.claimer_unit_id:
            return self.claimer_unit.name
        if self.show_claimer and self.claimer_id:
            return self.claimer.full_name or self.claimer.username
        return ""


class WishEventKind(models.TextChoices):
    POSTED = "posted", _("Posted")
    APPROVED = "approved", _("Approved for the wish wall")
    REJECTED = "rejected", _("Not published")
    CLAIMED = "claimed", _("Claimed")
    WITHDRAWN = "withdrawn", _("Claim withdrawn")
    RELEASED = "released", _("Claim released: not fulfilled in time")
    FULFILLED = "fulfilled", _("Fulfilled")
    CONFIRMED = "confirmed", _("Confirmed by the resident")
    AUTO_CONFIRMED = "auto_confirmed", _("Confirmed automatically")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled, says the resident")
    RETURNED = "returned", _("Back with the community")
    REMINDED = "reminded", _("Reminder sent")
    EDITED = "edited", _("Text edited by the community")


class WishEvent(TimelineEvent):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=WishEventKind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("micro-wish event")
        verbose_name_plural = _("micro-wish timeline")
