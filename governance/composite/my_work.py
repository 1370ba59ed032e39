"""My work (我的工作), the phone start page of grid workers, handlers and cadres: each app
registers a section saying what this user has to do now."""

from collections.abc import Callable
from dataclasses import dataclass

from governance.composite import Registry


@dataclass(frozen=True)
class WorkSection:
    """A block of the page: `template` rendered with `work`, what `context(user, now)` returns
    (None: nothing for this user, the block is left out)."""

    template: str
    context: Callable
    order: int


sections = Registry()


def sections_for(user, now):
    """(template, work) of each section with something for this user, in order."""
    shown = []
    for section in sections:
        work = section.context(user, now)
        if work is not None:
            shown.append((section.template, work))
    return shown
