"""A handler asks the community to transfer a whistle to another department (转办申请); the
community grants it — the whistle is re-dispatched there — or declines with a reason."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance import people
from governance.formatting import labelled
from governance.notifications import notify
from governance.workflow import TransitionError, record, step
from services.whistles import policies
from services.whistles.dispatch import handlers, move_to_department
from services.whistles.links import staff_url
from services.whistles.models import IN_HANDLING, EventKind, TransferRequest


def pending_transfer(whistle):
    """The undecided request, read once per instance (a page asks several times)."""
    if not hasattr(whistle, "_pending_transfer"):
        whistle._pending_transfer = (
            whistle.transfers.filter(decided_at__isnull=True).select_related("department").first()
        )
    return whistle._pending_transfer


def ask_transfer(*, whistle, actor, department, reason):
    if not reason.strip():
        raise TransitionError(_("Say why another department should handle it."))
    with step(
        whistle,
        IN_HANDLING,
        pgettext("step", "transferred"),
        actor=actor,
        check=policies.is_lead_handler,
    ) as w:
        if department.street_id != w.community.parent_id:
            raise TransitionError(_("That department does not serve this street."))
        if department.pk == w.lead_department_id:
            raise TransitionError(_("The whistle is already with that department."))
        if w.transfers.filter(decided_at__isnull=True).exists():
            raise TransitionError(_("A transfer request is already waiting for a decision."))
        TransferRequest.objects.create(
            whistle=w, department=department, reason=reason, asked_by=actor
        )
        record(w, EventKind.TRANSFER_ASKED, actor=actor, note=labelled(department.name, reason))
        notify(
            people.cadres_of(w.community),
            title=_("Transfer asked for whistle %(code)s") % {"code": w.tracking_code},
            body=reason[:200],
            url=staff_url(w),
        )
    return w


def decide_transfer(*, whistle, actor, grant, note=""):
    """Grant (re-dispatch to the department asked for) or decline with a reason."""
    if not grant and not note.strip():
        raise TransitionError(_("Say why the transfer is declined."))
    with step(
        whistle,
        IN_HANDLING,
        pgettext("step", "transferred"),
        actor=actor,
        check=policies.may_triage,
    ) as w:
        request = (
            w.transfers.select_for_update()
            .select_related("department")
            .filter(decided_at__isnull=True)
            .first()
        )
        if request is None:
            raise TransitionError(_("No transfer request is waiting."))
        request.granted, request.decision_note = grant, note
        request.decided_by, request.decided_at = actor, timezone.now()
        request.save(update_fields=["granted", "decision_note", "decided_by", "decided_at"])
        if grant:
            move_to_department(
                w,
                department=request.department,
                actor=actor,
                kind=EventKind.TRANSFER_GRANTED,
                note=note,
            )
        else:
            record(w, EventKind.TRANSFER_DECLINED, actor=actor, note=note)
            notify(
                handlers(w),
                title=_("Transfer of whistle %(code)s declined") % {"code": w.tracking_code},
                body=note[:200],
                url=staff_url(w),
            )
    return w
