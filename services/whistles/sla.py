"""SLA clocks: deadlines stored on the whistle, reminders at 50 % and 80 % of the time
allowed, escalation to the parent node (街呼区应) at 100 %.

When a deadline is set, its reminder rows are written with the time they fire. The beat scan
fires rows that are due; each row is unique per whistle, deadline, due time and threshold and
is marked done in the same transaction that sends it, so it is sent once however often, or
however concurrently, the scan runs."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import people
from governance.notifications import notify
from governance.workflow import record
from services.whistles.links import staff_url
from services.whistles.models import (
    AWAITING_DISPATCH,
    OPEN_STATUSES,
    Deadline,
    EventKind,
    WhistleReminder,
)

THRESHOLDS = (50, 80, 100)
SCAN_BATCH = 500


def schedule(whistle, deadline, *, start, due):
    WhistleReminder.objects.bulk_create(
        [
            WhistleReminder(
                whistle=whistle,
                deadline=deadline,
                due_at=due,
                threshold=t,
                fire_at=start + (due - start) * t / 100,
            )
            for t in THRESHOLDS
        ],
        ignore_conflicts=True,
    )


def restart(whistle, *deadlines, start):
    """Run the named deadlines afresh from `start` (after a return or a re-opening)."""
    allowed = {
        Deadline.DISPATCH: whistle.category.dispatch_within,
        Deadline.RESOLVE: whistle.category.resolve_within,
    }
    for deadline in deadlines:
        due = start + allowed[deadline]
        setattr(whistle, f"{deadline}_due", due)
        schedule(whistle, deadline, start=start, due=due)


def _still_running(reminder, whistle):
    if reminder.deadline == Deadline.DISPATCH:
        return whistle.status in AWAITING_DISPATCH and whistle.dispatch_due == reminder.due_at
    return whistle.status in OPEN_STATUSES and whistle.resolve_due == reminder.due_at


def _superseded(reminder, now):
    """A late scan (beat down, or demo data) finds several thresholds of one deadline due at
    once: only the highest speaks."""
    return WhistleReminder.objects.filter(
        whistle_id=reminder.whistle_id,
        deadline=reminder.deadline,
        due_at=reminder.due_at,
        threshold__gt=reminder.threshold,
        fire_at__lte=now,
    ).exists()


def assignees(whistle):
    """Who a reminder goes to: whoever holds the whistle now."""
    if whistle.status in AWAITING_DISPATCH:
        return list(people.cadres_of(whistle.community))
    if whistle.lead_department_id:
        return list(whistle.lead_department.handlers.filter(is_active=True))
    return list(people.grid_workers_of(whistle.assigned_grid))


def fire_due_reminders(now=None):
    now = now or timezone.now()
    due = list(
        WhistleReminder.objects.filter(done_at__isnull=True, fire_at__lte=now)
        .order_by("fire_at")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    return sum(_fire(pk, now) for pk in due)


def _fire(reminder_id, now):
    with transaction.atomic():
        # Lock the reminder and its whistle: a step committed meanwhile is seen, not raced.
        # skip_locked: a concurrent scan or step holds them; the next scan comes back.
        reminder = (
            WhistleReminder.objects.select_for_update(skip_locked=True, of=("self", "whistle"))
            .select_related("whistle__community", "whistle__category")
            .filter(pk=reminder_id, done_at__isnull=True)
            .first()
        )
        if reminder is None:
            return 0
        whistle = reminder.whistle
        running = _still_running(reminder, whistle) and not _superseded(reminder, now)
        reminder.done_at, reminder.sent = now, running
        reminder.save(update_fields=["done_at", "sent"])
        if not running:
            return 0
        deadline = reminder.get_deadline_display()
        if reminder.threshold < 100:
            note = _("%(percent)d%% of the %(deadline)s time has passed (due %(due)s).") % {
                "percent": reminder.threshold,
                "deadline": deadline,
                "due": timezone.localtime(reminder.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            record(whistle, EventKind.REMINDED, note=note)
            notify(
                assignees(whistle),
                title=_("Reminder: whistle %(code)s") % {"code": whistle.tracking_code},
                body=note,
                url=staff_url(whistle),
            )
        else:
            escalate(whistle, deadline=deadline, now=now)
        return 1


def escalate(whistle, *, deadline, now):
    """街呼区应: an overdue whistle goes up to the parent node, whose cadres are told."""
    parent = whistle.community.parent
    note = _("The %(deadline)s deadline has passed; escalated to %(node)s.") % {
        "deadline": deadline,
        "node": parent.place,
    }
    record(whistle, EventKind.ESCALATED, note=note, note_public=True)
    if whistle.escalated_at == now:
        return  # both deadlines ran out before one scan: the parent is told once
    if whistle.escalated_at is None:
        whistle.escalated_to, whistle.escalated_at = parent, now
        whistle.save(update_fields=["escalated_to", "escalated_at"])
    notify(
        [*people.cadres_of(parent), *assignees(whistle)],
        title=_("Overdue whistle %(code)s escalated") % {"code": whistle.tracking_code},
        body=note,
        url=staff_url(whistle),
    )
