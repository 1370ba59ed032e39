"""回访: the day after closure the grid worker of the building calls the resident back."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.formatting import labelled
from governance.scope import in_scope
from governance.workflow import TransitionError, record
from services.whistles.models import CallBack, EventKind

CALL_AFTER = timedelta(days=1)


def schedule_callback(whistle):
    """A call-back task for the building's grid (else the community), if the resident agreed
    to be contacted. Once per whistle."""
    if not whistle.contact_consent:
        return None
    node = whistle.building.parent if whistle.building_id else whistle.community
    callback, _created = CallBack.objects.get_or_create(
        whistle=whistle, defaults={"node": node, "due_at": whistle.closed_at + CALL_AFTER}
    )
    return callback


def record_callback(*, callback, actor, outcome, note=""):
    if not in_scope(actor, callback.node):
        raise PermissionDenied(_("This call-back is not yours."))
    with transaction.atomic():
        locked = CallBack.objects.select_for_update().get(pk=callback.pk)
        if locked.done_at is not None:
            raise TransitionError(_("This call-back has already been recorded."))
        locked.outcome, locked.note = outcome, note
        locked.done_at, locked.done_by = timezone.now(), actor
        locked.save()
        record(
            locked.whistle,
            EventKind.CALLED_BACK,
            actor=actor,
            note=labelled(locked.get_outcome_display(), note),
        )
    return locked
