"""The community and the handlers move a whistle along (社区转哨—部门办哨). One function per
step; each locks the whistle, refuses an illegal step with a clear message, and records the
event in the same transaction."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance import people
from governance.formatting import labelled
from governance.models import NodeKind
from governance.notifications import notify
from governance.workflow import TransitionError, record, step
from services.whistles import policies, sla
from services.whistles.links import staff_url
from services.whistles.models import (
    IN_HANDLING,
    Deadline,
    EventKind,
    Status,
    WhistlePhoto,
)


def _responded(whistle, now):
    if whistle.responded_at is None:
        whistle.responded_at = now
        whistle.responded_on_time = now <= whistle.dispatch_due


def handlers(whistle):
    """Who is told of a step on a dispatched whistle: the lead department's active handlers,
    else the workers of the grid it went to (supervision and transfers tell them too)."""
    if whistle.lead_department_id:
        return list(whistle.lead_department.handlers.filter(is_active=True))
    return list(people.grid_workers_of(whistle.assigned_grid))


def accept_whistle(*, whistle, actor, note=""):
    """社区转哨: the community takes the whistle on."""
    with step(
        whistle,
        (Status.SUBMITTED,),
        pgettext("step", "accepted"),
        actor=actor,
        check=policies.may_triage,
    ) as w:
        w.status = Status.ACCEPTED
        w.save(update_fields=["status"])
        record(w, EventKind.ACCEPTED, actor=actor, note=note, public=True)
    return w


def reject_whistle(*, whistle, actor, reason):
    if not reason.strip():
        raise TransitionError(_("Give the resident a reason."))
    with step(
        whistle,
        (Status.SUBMITTED,),
        pgettext("step", "rejected"),
        actor=actor,
        check=policies.may_triage,
    ) as w:
        now = timezone.now()
        w.status, w.closed_at = Status.REJECTED, now
        _responded(w, now)
        w.save(update_fields=["status", "closed_at", "responded_at", "responded_on_time"])
        record(w, EventKind.REJECTED, actor=actor, note=reason, note_public=True)
    return w


def dispatch_whistle(*, whistle, actor, department=None, grid=None, co_departments=(), note=""):
    """派单: to a lead department (with optional co-handling ones) or to a grid."""
    if (department is None) == (grid is None):
        raise TransitionError(_("Dispatch to one department or to one grid."))
    with step(
        whistle,
        (Status.ACCEPTED,),
        pgettext("step", "dispatched"),
        actor=actor,
        check=policies.may_triage,
    ) as w:
        street_id = w.community.parent_id
        if department is not None and department.street_id != street_id:
            raise TransitionError(_("That department does not serve this street."))
        co_departments = [d for d in co_departments if d != department]
        if any(d.street_id != street_id for d in co_departments):
            raise TransitionError(_("A co-handling department does not serve this street."))
        if grid is not None and (grid.kind != NodeKind.GRID or grid.parent_id != w.community_id):
            raise TransitionError(_("That grid is not in the whistle's community."))
        now = timezone.now()
        w.status, w.dispatched_at = Status.DISPATCHED, now
        w.lead_department, w.assigned_grid = department, grid
        _responded(w, now)
        w.save(
            update_fields=[
                "status",
                "dispatched_at",
                "lead_department",
                "assigned_grid",
                "responded_at",
                "responded_on_time",
            ]
        )
        w.co_departments.set(co_departments)
        target = department.name if department else grid.place
        record(w, EventKind.DISPATCHED, actor=actor, note=note or target, public=True)
        title = _("Whistle %(code)s dispatched to you") % {"code": w.tracking_code}
        recipients = handlers(w) + [h for d in co_departments for h in d.handlers.all()]
        notify(recipients, title=title, body=w.description[:200], url=staff_url(w))
    return w


def sign_whistle(*, whistle, actor):
    """接单: the handler signs for it."""
    with step(
        whistle,
        (Status.DISPATCHED,),
        pgettext("step", "signed for"),
        actor=actor,
        check=policies.may_handle,
    ) as w:
        w.status = Status.SIGNED
        w.save(update_fields=["status"])
        record(w, EventKind.SIGNED, actor=actor, public=True)
    return w


def return_whistle(*, whistle, actor, reason):
    """退单: back to the community, with a reason; the dispatch clock starts again."""
    if not reason.strip():
        raise TransitionError(_("Say why the whistle is returned."))
    with step(
        whistle, IN_HANDLING, pgettext("step", "returned"), actor=actor, check=policies.may_handle
    ) as w:
        w.status = Status.ACCEPTED
        w.lead_department = w.assigned_grid = w.extension_until = None
        sla.restart(w, Deadline.DISPATCH, start=timezone.now())
        w.save(
            update_fields=[
                "status",
                "lead_department",
                "assigned_grid",
                "extension_until",
                "dispatch_due",
            ]
        )
        w.co_departments.clear()
        record(w, EventKind.RETURNED, actor=actor, note=reason)
        notify(
            people.cadres_of(w.community),
            title=_("Whistle %(code)s returned") % {"code": w.tracking_code},
            body=reason,
            url=staff_url(w),
        )
    return w


def request_extension(*, whistle, actor, until, reason):
    """延期: the handler asks for more time; the community decides."""
    if not reason.strip():
        raise TransitionError(_("Say why more time is needed."))
    with step(
        whistle, IN_HANDLING, pgettext("step", "extended"), actor=actor, check=policies.may_handle
    ) as w:
        if w.extension_until is not None:
            raise TransitionError(_("An extension request is already waiting for a decision."))
        if until <= w.resolve_due:
            raise TransitionError(_("The new deadline must be later than the current one."))
        w.extension_until = until
        w.save(update_fields=["extension_until"])
        record(w, EventKind.EXTENSION_ASKED, actor=actor, note=reason)
        notify(
            people.cadres_of(w.community),
            title=_("Extension asked for whistle %(code)s") % {"code": w.tracking_code},
            body=reason,
            url=staff_url(w),
        )
    return w


def decide_extension(*, whistle, actor, approve, note=""):
    with step(
        whistle, IN_HANDLING, pgettext("step", "extended"), actor=actor, check=policies.may_triage
    ) as w:
        if w.extension_until is None:
            raise TransitionError(_("No extension request is waiting."))
        if approve:
            w.resolve_due = w.extension_until
            sla.schedule(w, Deadline.RESOLVE, start=timezone.now(), due=w.resolve_due)
        w.extension_until = None
        w.save(update_fields=["resolve_due", "extension_until"])
        kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
        record(w, kind, actor=actor, note=note, public=approve)
        notify(
            handlers(w),
            title=_("Extension for whistle %(code)s: %(decision)s")
            % {"code": w.tracking_code, "decision": kind.label},
            body=note,
            url=staff_url(w),
        )
    return w


def resolve_whistle(*, whistle, actor, note, photos=()):
    """办结: the handler reports the result; the resident is asked to rate it."""
    if not note.strip():
        raise TransitionError(_("Describe what was done."))
    with step(
        whistle,
        (Status.SIGNED,),
        pgettext("step", "resolved"),
        actor=actor,
        check=policies.may_handle,
    ) as w:
        w.status, w.resolved_at, w.extension_until = Status.RESOLVED, timezone.now(), None
        w.save(update_fields=["status", "resolved_at", "extension_until"])
        WhistlePhoto.objects.bulk_create(
            [
                WhistlePhoto(whistle=w, stage=WhistlePhoto.Stage.RESOLUTION, image=photo)
                for photo in photos
            ]
        )
        record(w, EventKind.RESOLVED, actor=actor, note=note, note_public=True)
    return w


def move_to_department(w, *, department, actor, kind, note):
    """Hand a locked whistle in handling to another department of its street: it waits to be
    signed for again, the resolution clock runs on, the event says where it went."""
    if department.street_id != w.community.parent_id:
        raise TransitionError(_("That department does not serve this street."))
    if department.pk == w.lead_department_id:
        raise TransitionError(_("The whistle is already with that department."))
    w.status, w.dispatched_at = Status.DISPATCHED, timezone.now()
    w.lead_department, w.assigned_grid, w.extension_until = department, None, None
    w.save(
        update_fields=[
            "status",
            "dispatched_at",
            "lead_department",
            "assigned_grid",
            "extension_until",
        ]
    )
    w.co_departments.remove(department)
    record(w, kind, actor=actor, note=labelled(department.name, note), public=True)
    notify(
        handlers(w),
        title=_("Whistle %(code)s dispatched to you") % {"code": w.tracking_code},
        body=w.description[:200],
        url=staff_url(w),
    )


def redispatch_whistle(*, whistle, actor, department, note=""):
    """改派: the street sends an escalated whistle in handling to another department."""
    with step(
        whistle,
        IN_HANDLING,
        pgettext("step", "re-dispatched"),
        actor=actor,
        check=policies.may_supervise,
    ) as w:
        move_to_department(
            w, department=department, actor=actor, kind=EventKind.REDISPATCHED, note=note
        )
    return w
