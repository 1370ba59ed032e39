"""Whom a claimer can reach: the wish's community (its cadres, with their work mobile) and,
once they hold the claim, the building. Never the resident's own name or number: the
community passes on what the claimer needs."""

from dataclasses import dataclass

from governance import people
from services.wishes.models import WishStatus

# While a claimer holds the wish, or waits for the resident to confirm it.
HELD = (WishStatus.CLAIMED, WishStatus.FULFILLED)


@dataclass(frozen=True)
class ClaimerContacts:
    community: str
    building: str
    people: list  # (name, mobile) of the community's cadres


def for_claimer(user, wish):
    """What the claimer of `wish` may read to reach the community; None for anyone else."""
    if not (user.is_authenticated and wish.claimer_id == user.pk and wish.status in HELD):
        return None
    cadres = people.cadres_of(wish.community).exclude(mobile="").order_by("pk")
    return ClaimerContacts(
        community=wish.community.place,
        building=wish.building.place if wish.building_id else "",
        people=[(cadre.full_name or cadre.username, cadre.mobile) for cadre in cadres[:3]],
    )
