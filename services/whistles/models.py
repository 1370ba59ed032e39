"""Whistles (居民吹哨—社区转哨—部门办哨), their departments and categories."""

from datetime import timedelta

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import NodeKind, OrgNode, Role, TimelineEvent, User, mainland_mobile
from governance.scope import ScopedQuerySet, visible_q_any
from governance.submissions import ResidentSubmission


class Urgency(models.TextChoices):
    """Time-limit classes of Beijing's 12345 service standard."""

    DANGER = "danger", _("Emergency: danger to life or property")
    UTILITIES = "utilities", _("Water, power, gas or heating")
    GENERAL = "general", _("General matter")
    COMPLEX = "complex", _("Complex matter")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.GENERAL
    )
    dispatch_within = models.DurationField(
        _("dispatch within"), help_text=_("From report to dispatch, e.g. 02:00:00 for 2 hours.")
    )
    resolve_within = models.DurationField(
        _("resolve within"), help_text=_("From report to resolution, e.g. 7 days, 0:00:00.")
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered on the public form"), default=True)

    class Meta:
        verbose_name = _("whistle category")
        verbose_name_plural = _("whistle categories")
        ordering = ["ordering", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dispatch_within__gt=timedelta(0)),
                name="category_dispatch_within_positive",
            ),
            models.CheckConstraint(
                condition=Q(resolve_within__gt=timedelta(0)),
                name="category_resolve_within_positive",
            ),
        ]

    def __str__(self):
        return self.name


class DepartmentQuerySet(ScopedQuerySet):
    node_path = "street"


class Department(models.Model):
    """A functional department (职能部门) a street dispatches whistles to."""

    street = models.ForeignKey(
        OrgNode,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": NodeKind.STREET},
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="departments",
        help_text=_("Whistles of these categories are suggested to this department."),
    )
    handlers = models.ManyToManyField(
        User,
        verbose_name=_("handlers"),
        blank=True,
        related_name="departments",
        limit_choices_to={"role": Role.DEPARTMENT_HANDLER},
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="department_unique_per_street")
        ]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted by the community")
    REJECTED = "rejected", _("Not accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Being handled")
    RESOLVED = "resolved", _("Resolved, awaiting rating")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED)
# Before dispatch the dispatch deadline runs; after it, the resolution deadline.
AWAITING_DISPATCH = (Status.SUBMITTED, Status.ACCEPTED)
IN_HANDLING = (Status.DISPATCHED, Status.SIGNED)


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


SATISFIED_RATINGS = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.FAIRLY_SATISFIED)


class Source(models.TextChoices):
    """Where a whistle was sent from, when not the public form itself. Any other value is the
    code of the service station whose poster the resident scanned."""

    VISIT = "visit", _("Reported by the grid worker on a visit (网格员上报)")
    DEMO = "demo-scale", _("Generated demo data")


def source_label(source):
    """The source in words: a known source by its label, else the station poster's code."""
    if not source:
        return ""
    if source in Source.values:
        return Source(source).label
    return _("The poster of service station %(code)s") % {"code": source}


def overdue_q(now):
    """Past the deadline running now: dispatch before dispatch, resolution after."""
    return Q(status__in=AWAITING_DISPATCH, dispatch_due__lt=now) | Q(
        status__in=IN_HANDLING, resolve_due__lt=now
    )


class WhistleQuerySet(ScopedQuerySet):
    # The place (building, else community) and the grid it was dispatched to.
    node_paths = ("node", "assigned_grid")

    def visible_to(self, user):
        """The user's subtree; department handlers see what is dispatched to their department."""
        q = visible_q_any(user, self.node_paths)
        if user.is_authenticated and user.role == Role.DEPARTMENT_HANDLER:
            dispatched = self.dispatched_to_q(user)
            q = dispatched if q is None else q | dispatched
        return self.none() if q is None else self.filter(q)

    @staticmethod
    def dispatched_to_q(user):
        lead = Department.handlers.through.objects.filter(
            department=OuterRef("lead_department"), user=user
        )
        co = Whistle.co_departments.through.objects.filter(
            whistle=OuterRef("pk"), department__handlers=user
        )
        return Q(Exists(lead)) | Q(Exists(co))

    def for_step(self):
        return self.select_related(
            "category", "community", "lead_department", "assigned_grid", "escalated_to"
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def annotate_running_due(self):
        """The deadline running now: dispatch before dispatch, resolution after."""
        return self.annotate(
            running_due=Case(
                When(status__in=AWAITING_DISPATCH, then=F("dispatch_due")),
                When(status__in=IN_HANDLING, then=F("resolve_due")),
                default=None,
            )
        )

    def overdue(self, now=None):
        return self.filter(overdue_q(now or timezone.now()))


class Whistle(ResidentSubmission):
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    description = models.TextField(
        _("description"), validators=[MinLengthValidator(5), MaxLengthValidator(2000)]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Where the whistle sits in the tree for scoping: the building if known, else the community.
    node = models.ForeignKey(
        OrgNode, verbose_name=_("place"), on_delete=models.PROTECT, related_name="whistles"
    )
    reporter_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    reporter_mobile = models.CharField(_("mobile"), max_length=11, validators=[mainland_mobile])
    contact_consent = models.BooleanField(_("may be contacted"), default=False)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    suggested_department = models.ForeignKey(
        Department,
        verbose_name=_("suggested department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_whistles",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-handling departments"), blank=True, related_name="+"
    )
    assigned_grid = models.ForeignKey(
        OrgNode,
        verbose_name=_("assigned grid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": NodeKind.GRID},
    )

    dispatch_due = models.DateTimeField(_("dispatch due"))
    resolve_due = models.DateTimeField(_("resolution due"))
    extension_until = models.DateTimeField(_("extension asked until"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    responded_on_time = models.BooleanField(_("responded in time"), null=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0)
    escalated_to = models.ForeignKey(
        OrgNode,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("triage_whistle", _("Accept, reject, dispatch and decide extensions of whistles")),
            ("handle_whistle", _("Sign for, return, extend and resolve dispatched whistles")),
        ]
        indexes = [
            models.Index(fields=["status", "dispatch_due"]),
            models.Index(fields=["status", "resolve_due"]),
            models.Index(fields=["routed_at"]),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.category}"

    @property
    def source_display(self):
        return source_label(self.source)

    @property
    def by_grid_worker(self):
        """Raised by a grid worker from a visit: the reporter is the worker, not a resident."""
        return self.source == Source.VISIT

    @property
    def running_deadline(self):
        """Which deadline runs now, in words: dispatch before dispatch, resolution after."""
        if self.status in AWAITING_DISPATCH:
            return pgettext_lazy("deadline", "dispatch by")
        return pgettext_lazy("deadline", "resolve by")


def whistle_photo_path(photo, filename):
    # A random name: the URL of a resident's photo must not be guessable.
    from governance.public import random_token

    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"whistles/{timezone.now():%Y/%m}/{random_token(24)}.{suffix}"


class WhistlePhoto(models.Model):
    class Stage(models.TextChoices):
        REPORT = "report", _("Reported by the resident")
        RESOLUTION = "resolution", _("Resolution")

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    image = models.ImageField(_("photo"), upload_to=whistle_photo_path)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.image.name


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Reported")
    GRID_REPORTED = "grid_reported", _("Reported by the grid worker")
    ROUTED = "routed", _("Routed to the community")
    ACCEPTED = "accepted", _("Accepted by the community")
    REJECTED = "rejected", _("Not accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for by the handler")
    RETURNED = "returned", _("Returned to the community")
    EXTENSION_ASKED = "extension_asked", _("Extension asked")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated by the resident")
    REOPENED = "reopened", _("Re-opened: not fixed")
    CLOSED = "closed", _("Closed")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")
    CALLED_BACK = "called_back", _("Call-back made")
    SUPERVISED = "supervised", _("Supervision ordered (督办)")
    SUPERVISION_ANSWERED = "supervision_answered", _("Supervision answered")
    REDISPATCHED = "redispatched", _("Re-dispatched (改派)")
    COMMENTED = "commented", pgettext_lazy("staff note", "Comment")
    TRANSFER_ASKED = "transfer_asked", _("Transfer asked")
    TRANSFER_GRANTED = "transfer_granted", _("Transfer granted")
    TRANSFER_DECLINED = "transfer_declined", _("Transfer declined")
    MERGED = "merged", _("Merged into the same report")
    MERGED_IN = "merged_in", _("A duplicate report merged in")


class WhistleEvent(TimelineEvent):
    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("whistle event")
        verbose_name_plural = _("whistle timeline")


class Deadline(models.TextChoices):
    DISPATCH = "dispatch", _("dispatch")
    RESOLVE = "resolve", _("resolution")


class WhistleReminder(models.Model):
    """A scheduled reminder (50 %, 80 %) or escalation (100 %) for one deadline of a whistle.

    Rows are written when a deadline is set; the beat scan fires due rows. The unique key
    makes each reminder exist, and so be sent, once however often the scan runs."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField(max_length=10, choices=Deadline.choices)
    due_at = models.DateTimeField()
    threshold = models.PositiveSmallIntegerField(help_text=_("percent of the time allowed"))
    fire_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(null=True, help_text=_("Empty until fired; false when moot."))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["whistle", "deadline", "due_at", "threshold"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["done_at", "fire_at"])]

    def __str__(self):
        return f"{self.whistle_id} {self.deadline} {self.threshold}%"


class CallBackOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Reached: satisfied")
    DISSATISFIED = "dissatisfied", _("Reached: not satisfied")
    UNREACHABLE = "unreachable", _("Could not be reached")


class CallBackQuerySet(ScopedQuerySet):
    node_path = "node"


class CallBack(models.Model):
    """回访: the day after closure, the building's grid worker calls the resident."""

    whistle = models.OneToOneField(
        Whistle, verbose_name=_("whistle"), on_delete=models.CASCADE, related_name="callback"
    )
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("grid or community"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The grid of the building, else the community."),
    )
    due_at = models.DateTimeField(_("call on"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=CallBackOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("called"), null=True, blank=True)
    done_by = models.ForeignKey(
        User,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CallBackQuerySet.as_manager()

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")

    def __str__(self):
        return f"{self.whistle_id} {self.due_at:%Y-%m-%d}"


class Supervision(models.Model):
    """督办: a street cadre's order on an escalated whistle, with a deadline, that the
    handler must answer. Open until answered; overdue when its deadline passes unanswered."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="supervisions")
    comment = models.TextField(_("what must be done"))
    due_at = models.DateTimeField(_("answer by"))
    ordered_by = models.ForeignKey(
        User, verbose_name=_("ordered by"), on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(_("ordered"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["ordered_at", "pk"]
        constraints = [
            # One open order at a time: the handler answers it before another is given.
            models.UniqueConstraint(
                fields=["whistle"],
                condition=Q(answered_at__isnull=True),
                name="supervision_one_open_per_whistle",
            )
        ]
        indexes = [models.Index(fields=["answered_at", "due_at"])]

    def __str__(self):
        return f"{self.whistle_id} {self.due_at:%Y-%m-%d}"


class TransferRequest(models.Model):
    """A handler asks the community to transfer the whistle to another department; the
    community grants it (a re-dispatch) or declines it with a reason."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="transfers")
    department = models.ForeignKey(
        Department,
        verbose_name=_("to department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    asked_by = models.ForeignKey(
        User, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    granted = models.BooleanField(_("granted"), null=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["whistle"],
                condition=Q(decided_at__isnull=True),
                name="transfer_one_pending_per_whistle",
            )
        ]

    def __str__(self):
        return f"{self.whistle_id} → {self.department_id}"


class Supporter(models.Model):
    """附议: a resident who adds their voice to an open whistle instead of reporting it again.
    One row per mobile per whistle; when a duplicate is merged its supporters follow."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="supporters")
    mobile = models.CharField(_("mobile"), max_length=11, validators=[mainland_mobile])
    created_at = models.DateTimeField(_("supported"), default=timezone.now)

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [
            models.UniqueConstraint(fields=["whistle", "mobile"], name="supporter_once_per_mobile")
        ]

    def __str__(self):
        return f"{self.whistle_id} {self.pk}"


class MemberCall(models.Model):
    """网格呼叫、党员先到: a cadre calls the party members of the whistle's grid (and the members
    in service reported to its community) to it; the first to answer is recorded."""

    whistle = models.OneToOneField(
        Whistle, verbose_name=_("whistle"), on_delete=models.CASCADE, related_name="member_call"
    )
    grid = models.ForeignKey(
        OrgNode, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.ForeignKey(
        User,
        verbose_name=_("called by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    called_at = models.DateTimeField(_("called"), default=timezone.now)
    answered_by = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("first to answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="whistle_calls",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("call to party members")
        verbose_name_plural = _("calls to party members")

    def __str__(self):
        return f"{self.whistle_id} → {self.grid_id}"
