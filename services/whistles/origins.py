"""What other apps know about where a whistle came from. The grid registers, above services,
know which household a grid worker's visit raised a whistle for; they register a lookup here
and the staff page shows its links without services importing them."""

from collections.abc import Callable
from dataclasses import dataclass

from governance.registry import Registry


@dataclass(frozen=True)
class OriginLookup:
    """`links(whistle, user)` gives (label, url or None) pairs for this user, or []."""

    links: Callable
    order: int = 0


lookups = Registry()


def origin_links(whistle, user):
    return [link for lookup in lookups for link in lookup.links(whistle, user)]
