"""Assigning grid workers: one full-time worker per grid (working no other grid full-time),
part-time workers as needed, one professional worker per grid who may cover several."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from governance.models import NodeKind, Role
from governance.scope import in_scope
from grids.models import WorkerAssignment, WorkerKind


def assignment_error(*, grid, worker, kind, exclude_pk=None):
    """Why this assignment breaks a rule, or None."""
    if grid.kind != NodeKind.GRID:
        return _("Workers are assigned to grids.")
    if worker.role != Role.GRID_WORKER:
        return _("Only grid workers can be assigned to a grid.")
    others = WorkerAssignment.objects.exclude(pk=exclude_pk)
    if others.filter(grid=grid, worker=worker).exists():
        return _("%(worker)s already works this grid.") % {"worker": worker}
    if kind == WorkerKind.FULL_TIME:
        taken = others.filter(grid=grid, kind=WorkerKind.FULL_TIME).select_related("worker").first()
        if taken:
            return _("%(grid)s already has a full-time worker: %(worker)s.") % {
                "grid": grid.place,
                "worker": taken.worker,
            }
        if others.filter(worker=worker, kind=WorkerKind.FULL_TIME).exists():
            return _("%(worker)s is already full-time on another grid.") % {"worker": worker}
    if (
        kind == WorkerKind.PROFESSIONAL
        and others.filter(grid=grid, kind=WorkerKind.PROFESSIONAL).exists()
    ):
        return _("%(grid)s already has a professional worker.") % {"grid": grid.place}
    return None


def assign_worker(*, grid, worker, kind, actor):
    if not in_scope(actor, grid):
        raise PermissionDenied(_("This grid is not in your area."))
    error = assignment_error(grid=grid, worker=worker, kind=kind)
    if error:
        raise ValidationError(error)
    try:
        with transaction.atomic():
            return WorkerAssignment.objects.create(grid=grid, worker=worker, kind=kind)
    except IntegrityError:  # someone assigned the same place at the same moment
        raise ValidationError(_("That place was just taken; reload and try again.")) from None
