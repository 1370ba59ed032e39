"""Volunteer service (志愿服务): profiles, teams, activities with sign-up and check-in, service
hours, the append-only points ledger, rewards and redemptions, and star rating rounds.

Workflows live in modules named for what they do (teams.py, signups.py, attendance.py,
hours.py, ledger.py, rewards.py, stars.py); the models hold state and the rules the database
can enforce."""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import NodeKind, OrgNode, User
from governance.scope import ScopedQuerySet
from services.stations.models import Station


class ProfileQuerySet(ScopedQuerySet):
    node_path = "community"


class VolunteerProfile(models.Model):
    """Any user may volunteer, party members and cadres too. The cached points balance is
    kept by volunteers/ledger.py in the same transaction as each entry; the database refuses
    a negative one."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="volunteer"
    )
    community = models.ForeignKey(
        OrgNode,
        verbose_name=_("home community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
        limit_choices_to={"kind": NodeKind.COMMUNITY},
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    points_balance = models.IntegerField(_("points balance"), default=0, editable=False)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0, editable=False)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_balance__gte=0), name="points_balance_never_negative"
            )
        ]

    def __str__(self):
        return str(self.user)


class TeamQuerySet(ScopedQuerySet):
    pass


class Team(models.Model):
    """志愿服务队, under a brand such as 守望彩虹 or 小红帽."""

    name = models.CharField(_("name"), max_length=60)
    brand = models.CharField(_("brand"), max_length=40, blank=True)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="teams"
    )
    description = models.TextField(pgettext_lazy("what it is about", "description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["node__lft", "name"]

    def __str__(self):
        return f"{self.brand}·{self.name}" if self.brand else self.name


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the leader")
    APPROVED = "approved", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class MembershipQuerySet(ScopedQuerySet):
    node_path = "team__node"


class Membership(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_leader = models.BooleanField(_("leader"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("asked to join"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], name="one_membership_per_team")
        ]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"


class Difficulty(models.TextChoices):
    """A points coefficient: the harder the service, the more each hour earns."""

    ORDINARY = "1.0", _("Ordinary (×1.0)")
    DEMANDING = "1.2", _("Demanding (×1.2)")
    HARD = "1.5", _("Hard (×1.5)")
    SPECIAL = "2.0", _("Special (×2.0)")


def new_checkin_code():
    return f"{secrets.randbelow(10**6):06d}"


class ActivityQuerySet(ScopedQuerySet):
    def upcoming(self, now=None):
        return self.filter(cancelled=False, ends_at__gt=now or timezone.now())


class Activity(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="activities"
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(pgettext_lazy("what it is about", "description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    difficulty = models.CharField(
        _("difficulty"), max_length=4, choices=Difficulty.choices, default=Difficulty.ORDINARY
    )
    points_per_hour = models.PositiveSmallIntegerField(
        _("points per hour"), default=10, validators=[MaxValueValidator(1000)]
    )
    checkin_code = models.CharField(
        _("check-in code"), max_length=6, default=new_checkin_code, editable=False
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Set by the beat scan once the window has closed (open check-outs closed, no-shows).
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("starts_at")),
                name="signup_closes_by_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The activity must end after it starts.")})
        if self.starts_at and self.signup_deadline and self.signup_deadline > self.starts_at:
            raise ValidationError(
                {"signup_deadline": _("Sign-up must close by the time the activity starts.")}
            )
        # Hours of people already there would be lost with it.
        if self.cancelled and self.pk and self.signups.filter(checked_in_at__isnull=False).exists():
            raise ValidationError(
                {
                    "cancelled": _(
                        "Volunteers have checked in: the activity can no longer be cancelled."
                    )
                }
            )

    @property
    def length_hours(self):
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class SignUpStatus(models.TextChoices):
    REGISTERED = "registered", _("Signed up")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_SIGNUPS = (SignUpStatus.REGISTERED, SignUpStatus.WAITLISTED)


class SignUpQuerySet(ScopedQuerySet):
    node_path = "activity__node"


class SignUp(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    status = models.CharField(_("status"), max_length=10, choices=SignUpStatus.choices)
    # Waiting-list order: the time of (re-)joining.
    queued_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed attendance"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    auto_closed = models.BooleanField(
        _("check-out missing"),
        default=False,
        help_text=_("Closed automatically at the end of the activity: no check-out."),
    )
    no_show = models.BooleanField(_("no-show"), default=False)
    # What the beat scan already sent: each reminder once.
    confirmation_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    start_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="one_signup_per_activity"
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.volunteer}"


class HoursKind(models.TextChoices):
    CREDIT = "credit", _("Credit hours (checked in and out)")
    HONOUR = "honour", _("Honour hours (added by a cadre)")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    REVERSED = "reversed", _("Reversed")


class HoursQuerySet(ScopedQuerySet):
    node_path = "activity__node"

    def counted(self):
        """Hours that count: approved and not reversed."""
        return self.filter(status=HoursStatus.APPROVED)

    def decidable_by(self, user):
        """Hours of the teams the user leads and, for cadres, of activities in their area;
        never their own."""
        from governance.permissions import Perm
        from governance.scope import visible_q

        led = Membership.objects.filter(
            volunteer__user=user, is_leader=True, status=MembershipStatus.APPROVED
        ).values("team")
        condition = Q(activity__team__in=led)
        area = visible_q(user, "activity__node")
        if area is not None and user.has_perm(Perm.MANAGE_VOLUNTEERS):
            condition |= area
        return self.filter(condition).exclude(volunteer__user=user)


class ServiceHours(models.Model):
    """Hours are never deleted: approved hours can only be reversed, with a reason."""

    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="hours",
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="hours"
    )
    signup = models.OneToOneField(
        SignUp,
        verbose_name=_("sign-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_hours",
    )
    kind = models.CharField(_("kind"), max_length=6, choices=HoursKind.choices)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    flagged = models.BooleanField(
        _("flagged"), default=False, help_text=_("No check-out: closed at the activity's end.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reversal_reason = models.CharField(_("reason for reversal"), max_length=200, blank=True)
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        User,
        verbose_name=_("reversed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = HoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.hours}h {self.activity.title}"


class EntryKind(models.TextChoices):
    EARNED_HOURS = "hours", _("Earned: approved hours")
    EARNED_WISH = "wish", _("Earned: micro-wish fulfilled")
    REDEEMED = "redeemed", _("Redeemed for a gift")
    REFUNDED = "refunded", _("Refunded: redemption cancelled")
    ADJUSTED = "adjusted", _("Adjusted")
    REVERSED = "reversed", _("Reversed: hours reversed")


class AppendOnlyQuerySet(ScopedQuerySet):
    node_path = "volunteer__community"

    def update(self, **kwargs):
        raise TypeError("Ledger entries are never changed.")

    def delete(self):
        raise TypeError("Ledger entries are never deleted.")


class LedgerEntry(models.Model):
    """One line of the points ledger: written once by volunteers/ledger.py, never changed.
    The idempotency key makes a replayed award a no-op."""

    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200)
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("points ledger entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="entry_moves_points"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="entry_balance_never_negative"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.points:+d} {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Ledger entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are never deleted.")


class RewardQuerySet(ScopedQuerySet):
    pass


def reward_picture_path(reward, filename):
    from governance.public import random_token

    return f"rewards/{random_token(24)}.{filename.rsplit('.', 1)[-1].lower()}"


class Reward(models.Model):
    """A gift in a node's catalogue (积分兑换礼品)."""

    node = models.ForeignKey(
        OrgNode, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="rewards"
    )
    name = models.CharField(_("name"), max_length=60)
    picture = models.ImageField(_("picture"), upload_to=reward_picture_path, blank=True)
    points_cost = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    stock = models.IntegerField(_("in stock"), default=0, validators=[MinValueValidator(0)])
    active = models.BooleanField(_("on offer"), default=True)
    # Where the volunteer collects it, with the station's address and opening hours.
    pickup_station = models.ForeignKey(
        Station,
        verbose_name=_("pickup station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["points_cost", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="stock_never_negative"),
            models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_costs_points"),
        ]

    def __str__(self):
        return self.name


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved: collect it")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled: points returned")


class RedemptionQuerySet(ScopedQuerySet):
    node_path = "reward__node"


def new_pickup_code():
    """8 characters of the unambiguous alphabet the tracking codes use: read out at a
    station's counter, 31**8 ≈ 8.5·10^11 possibilities."""
    from governance.public import CODE_ALPHABET

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Redemption(models.Model):
    reward = models.ForeignKey(
        Reward, verbose_name=_("reward"), on_delete=models.PROTECT, related_name="redemptions"
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.RESERVED,
    )
    created_at = models.DateTimeField(_("redeemed"), default=timezone.now)
    closed_at = models.DateTimeField(_("handed over or cancelled"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    pickup_code = models.CharField(
        _("pickup code"), max_length=8, unique=True, default=new_pickup_code, editable=False
    )
    # The confirm page's one-time token: a second tap of the same page reserves nothing more.
    request_key = models.CharField(max_length=40, unique=True, null=True, editable=False)

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.reward} · {self.volunteer}"


class StarRound(models.Model):
    """One star rating round (评星定级): proposals are published for a public notice period,
    then confirmed. One round per rating date."""

    rating_date = models.DateField(_("rating date"), unique=True)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    notice_ends_on = models.DateField(_("public notice ends"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("star rating round")
        verbose_name_plural = _("star rating rounds")
        ordering = ["-rating_date"]

    def __str__(self):
        return f"{self.rating_date:%Y-%m-%d}"


class StarAwardQuerySet(ScopedQuerySet):
    node_path = "volunteer__community"


class StarAward(models.Model):
    round = models.ForeignKey(
        StarRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="awards"
    )
    volunteer = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="star_awards",
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.DecimalField(_("approved hours"), max_digits=8, decimal_places=2)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = StarAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("star award")
        verbose_name_plural = _("star awards")
        ordering = ["-stars", "volunteer__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "volunteer"], name="one_award_per_round"),
        ]

    def __str__(self):
        return f"{self.volunteer} {'★' * self.stars}"
