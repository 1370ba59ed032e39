"""督办 and comments: the street orders the handler of an escalated whistle to act by a
deadline and the handler answers; staff leave internal notes on the timeline. One function
per step, each through the workflow's lock-check-record."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance.formatting import labelled
from governance.notifications import notify
from governance.workflow import TransitionError, record, step
from services.whistles import policies
from services.whistles.dispatch import handlers
from services.whistles.links import staff_url
from services.whistles.models import IN_HANDLING, EventKind, Status, Supervision

ANY_STATUS = tuple(Status.values)


def open_supervision(whistle):
    """The unanswered order, read once per instance (a page asks several times)."""
    if not hasattr(whistle, "_open_supervision"):
        whistle._open_supervision = whistle.supervisions.filter(answered_at__isnull=True).first()
    return whistle._open_supervision


def remember_open_supervision(whistle, orders):
    """Keep the unanswered order of `orders` (all the whistle's, already read) as the one
    open_supervision returns: a page that lists them asks no second time."""
    whistle._open_supervision = next((o for o in orders if o.answered_at is None), None)


def supervise_whistle(*, whistle, actor, comment, due_at):
    """督办: an order with a deadline the handler must answer; one open order at a time."""
    if not comment.strip():
        raise TransitionError(_("Say what the handler must do."))
    if due_at <= timezone.now():
        raise TransitionError(_("The answer deadline must be in the future."))
    with step(
        whistle,
        IN_HANDLING,
        pgettext("step", "supervised"),
        actor=actor,
        check=policies.may_supervise,
    ) as w:
        if w.supervisions.filter(answered_at__isnull=True).exists():
            raise TransitionError(_("A supervision order is still waiting for an answer."))
        Supervision.objects.create(whistle=w, comment=comment, due_at=due_at, ordered_by=actor)
        due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        record(
            w,
            EventKind.SUPERVISED,
            actor=actor,
            note=labelled(_("answer by %(due)s") % {"due": due}, comment),
        )
        notify(
            handlers(w),
            title=_("Supervision order on whistle %(code)s: answer by %(due)s")
            % {"code": w.tracking_code, "due": due},
            body=comment[:200],
            url=staff_url(w),
        )
    return w


def answer_supervision(*, whistle, actor, answer):
    """The handler answers the open 督办 order."""
    if not answer.strip():
        raise TransitionError(_("Write the answer to the supervision order."))
    with step(
        whistle,
        IN_HANDLING,
        pgettext("step", "answered"),
        actor=actor,
        check=policies.may_handle,
    ) as w:
        order = w.supervisions.select_for_update().filter(answered_at__isnull=True).first()
        if order is None:
            raise TransitionError(_("No supervision order is waiting for an answer."))
        order.answer, order.answered_by, order.answered_at = answer, actor, timezone.now()
        order.save(update_fields=["answer", "answered_by", "answered_at"])
        record(w, EventKind.SUPERVISION_ANSWERED, actor=actor, note=answer)
        notify(
            [order.ordered_by],
            title=_("Supervision order on whistle %(code)s answered") % {"code": w.tracking_code},
            body=answer[:200],
            url=staff_url(w),
        )
    return w


def comment_whistle(*, whistle, actor, note):
    """An internal note on the timeline, for staff only."""
    if not note.strip():
        raise TransitionError(_("Write the comment."))
    with step(
        whistle, ANY_STATUS, pgettext("step", "commented"), actor=actor, check=policies.may_comment
    ) as w:
        record(w, EventKind.COMMENTED, actor=actor, note=note)
    return w
