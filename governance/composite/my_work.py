"""My work (我的工作), the phone start page of grid workers, handlers and cadres: each app
registers a section saying what this user has to do now."""

from collections.abc import Callable
from dataclasses import dataclass

from governance.registry import Registry


@dataclass(frozen=True)
class WorkSection:
    """A block of the page: `template` rendered with `work`, what `context(user, now)` returns
    (None: nothing for this user, the block is left out)."""

    template: str
    context: Callable
    order: int


@dataclass(frozen=True)
class Landing:
    """Where a user with nothing on the page goes instead (a volunteer: their wishes)."""

    url_name: str
    applies: Callable
    order: int


sections = Registry()
landings = Registry()


def sections_for(user, now):
    """(template, work) of each section with something for this user, in order."""
    shown = []
    for section in sections:
        work = section.context(user, now)
        if work is not None:
            shown.append((section.template, work))
    return shown


def landing_for(user):
    """The URL name of the first landing that applies, or None."""
    return next((landing.url_name for landing in landings if landing.applies(user)), None)
