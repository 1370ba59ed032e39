"""The machinery every whistle step shares: lock and check the state, record the event."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from services.models import Whistle, WhistleEvent


class TransitionError(ValidationError):
    """A step the whistle's state does not allow; the message says why."""


@contextmanager
def step(whistle, allowed, action, *, actor=None, check=None):
    """Lock the whistle, check its status allows `action`, then that `check(actor, whistle)`
    passes on the fresh row; yields the locked row."""
    with transaction.atomic():
        locked = (
            Whistle.objects.select_for_update(of=("self",))
            .select_related("category", "community", "lead_department", "assigned_grid")
            .get(pk=whistle.pk)
        )
        if locked.status not in allowed:
            raise TransitionError(
                _("This whistle is “%(status)s”: it cannot be %(action)s.")
                % {"status": locked.get_status_display(), "action": action}
            )
        if check is not None and not check(actor, locked):
            raise PermissionDenied(_("You may not take this action on this whistle."))
        yield locked


def record(whistle, kind, *, actor=None, note="", public=False, note_public=False):
    """A timeline event. `public`: the resident sees that the step happened; `note_public`:
    they read its note too (a reason, the result), so internal notes stay internal."""
    return WhistleEvent.objects.create(
        whistle=whistle,
        kind=kind,
        actor=actor,
        note=note,
        public=public or note_public,
        note_public=note_public,
    )


def staff_url(whistle):
    return reverse("whistle-detail", args=[whistle.pk])
