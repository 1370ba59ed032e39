"""Several whistles dispatched at once from the list: each through the one dispatch step, in
its own transaction, so one refused whistle leaves the others dispatched."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from governance.workflow import TransitionError
from services.whistles import dispatch


@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (tracking code, why)


def dispatch_many(*, whistles, department, actor, note=""):
    outcome = BulkOutcome()
    for whistle in whistles:
        try:
            dispatch.dispatch_whistle(
                whistle=whistle, actor=actor, department=department, note=note
            )
        except TransitionError as error:
            outcome.refused.append((whistle.tracking_code, error.message))
        except PermissionDenied:
            outcome.refused.append((whistle.tracking_code, _("You may not dispatch it.")))
        else:
            outcome.done.append(whistle.tracking_code)
    return outcome
