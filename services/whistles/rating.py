"""The resident rates the result; "not fixed" re-opens the whistle to its community. An
unrated resolution closes itself after seven days."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance import people
from governance.formatting import labelled
from governance.notifications import notify
from governance.workflow import TransitionError, record, step
from services.whistles import callbacks, sla
from services.whistles.links import staff_url
from services.whistles.models import Deadline, EventKind, Rating, Status, Whistle

CLOSE_UNRATED_AFTER = timedelta(days=7)


def rate_whistle(*, whistle, rating, comment="", fixed=True):
    """The resident's rating (no actor: residents have no account)."""
    rating = Rating(rating)
    with step(whistle, (Status.RESOLVED,), pgettext("step", "rated")) as w:
        now = timezone.now()
        w.rating, w.rating_comment = rating, comment
        note = labelled(rating.label, comment)
        record(w, EventKind.RATED, note=note, note_public=True)
        if fixed:
            _close(w, now, fields=["rating", "rating_comment"])
        else:
            w.status, w.resolved_at = Status.ACCEPTED, None
            w.reopened_count += 1
            w.lead_department = w.assigned_grid = w.escalated_at = w.escalated_to = None
            sla.restart(w, Deadline.DISPATCH, Deadline.RESOLVE, start=now)
            w.save(
                update_fields=[
                    "rating",
                    "rating_comment",
                    "status",
                    "resolved_at",
                    "reopened_count",
                    "lead_department",
                    "assigned_grid",
                    "escalated_at",
                    "escalated_to",
                    "dispatch_due",
                    "resolve_due",
                ]
            )
            w.co_departments.clear()
            record(w, EventKind.REOPENED, public=True)
            notify(
                people.cadres_of(w.community),
                title=_("Whistle %(code)s re-opened: the resident says it is not fixed")
                % {"code": w.tracking_code},
                body=comment,
                url=staff_url(w),
            )
    return w


def _close(whistle, now, fields=(), note=""):
    whistle.status, whistle.closed_at = Status.CLOSED, now
    whistle.save(update_fields=[*fields, "status", "closed_at"])
    record(whistle, EventKind.CLOSED, note=note, note_public=True)
    callbacks.schedule_callback(whistle)


def close_unrated(now=None):
    """Beat: resolutions left unrated for seven days are closed."""
    now = now or timezone.now()
    stale = Whistle.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - CLOSE_UNRATED_AFTER
    )
    closed = 0
    for whistle in stale.order_by("pk")[:500]:
        try:
            with step(whistle, (Status.RESOLVED,), pgettext("step", "closed")) as w:
                _close(w, now, note=_("Closed automatically: no rating within 7 days."))
                closed += 1
        except TransitionError:  # rated meanwhile
            continue
    return closed
