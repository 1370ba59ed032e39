"""The machinery every workflow (whistles, micro-wishes, and what comes) shares: lock the
row and check its state, then record the step as a timeline event in the same transaction."""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.registry import Registry


@dataclass(frozen=True)
class Listener:
    """Hears every recorded event: `heard(obj, event)`, in the step's transaction (so what it
    writes stands or falls with the step). Apps register theirs in `contributions.py`, e.g.
    the texts a resident is sent; this module imports none of them."""

    heard: Callable
    order: int = 100


listeners = Registry()


class TransitionError(ValidationError):
    """A step the current state does not allow; the message says why."""


@contextmanager
def step(obj, allowed, action, *, actor=None, check=None):
    """Lock `obj`, check its status allows `action`, then that `check(actor, locked)` passes
    on the fresh row; yields the locked row. The model's queryset names what the checks read
    (`for_step()`)."""
    with transaction.atomic():
        locked = type(obj).objects.for_step().select_for_update(of=("self",)).get(pk=obj.pk)
        if locked.status not in allowed:
            raise TransitionError(
                _("It is now “%(status)s”: it cannot be %(action)s.")
                % {"status": locked.get_status_display(), "action": action}
            )
        if check is not None and not check(actor, locked):
            raise PermissionDenied(_("You may not take this action here."))
        yield locked


def record(obj, kind, *, actor=None, note="", public=False, note_public=False):
    """A timeline event. `public`: the resident sees that the step happened; `note_public`:
    they read its note too (a reason, the result), so internal notes stay internal."""
    event = obj.events.create(
        kind=kind, actor=actor, note=note, public=public or note_public, note_public=note_public
    )
    for listener in listeners:
        listener.heard(obj, event)
    return event
