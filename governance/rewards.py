"""Points for good deeds that workflows below the volunteer ledger record: a fulfilled
micro-wish earns its claimer points. The ledger registers the function that books them in
its `contributions.py`, so the workflow never imports it."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from governance.registry import Registry


@dataclass(frozen=True)
class Awarder:
    """`award(*, user, points, reason, key)` books the points once per `key`."""

    award: Callable
    order: int


awarders = Registry()
logger = logging.getLogger(__name__)


def award_points(*, user, points, reason, key):
    """Called in the workflow's transaction, so the points and the deed stand or fall together."""
    registered = list(awarders)
    if not registered:
        logger.warning("no points ledger registered: %s earns no points (%s)", user, key)
    for awarder in registered:
        awarder.award(user=user, points=points, reason=reason, key=key)
