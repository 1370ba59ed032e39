"""The household search of the grid worker's phone: what people type — a building, a unit
and room (`1-101`, `1单元101室`), both (`2号楼101`, `锦绣苑2号楼 1-101`, `2-1-101`), a
resident's name or its pinyin initials (`zjg` for 张建国) — read as one filter on the
households the user sees: one query, and one more for their residents."""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from grids.models import Household, Resident

LIMIT = 30

# The unit and room at the end: "101", "1-101", "1单元101", "1单元 101室".
_TAIL = re.compile(r"(?:(?P<unit>\d{1,3})\s*(?:单元|-)\s*)?(?P<room>\d{1,5})\s*(?:室|号)?$")
# What stands before it: a compound's name, a building number ("2号楼", "2栋", "2-"), both.
_BUILDING = re.compile(r"^(?P<words>.*?)\s*(?:(?P<number>\d{1,4})\s*(?:号楼|号|栋|幢|#|-)?)?$")


@dataclass(frozen=True)
class Address:
    words: str = ""  # part of the building's name (锦绣苑)
    number: str = ""  # the building's number (2 of 锦绣苑2号楼)
    unit: str = ""
    room: str = ""


def normalise(query):
    """Full-width digits and dashes (１－１０１, as Chinese keyboards give them) as ASCII."""
    text = unicodedata.normalize("NFKC", query).strip()
    return re.sub(r"[—–－‐]", "-", re.sub(r"\s+", " ", text))


def parse_address(query):
    """The building, unit and room in a query, or None when it names no room."""
    tail = _TAIL.search(query)
    if tail is None:
        return None
    head = _BUILDING.match(query[: tail.start()].strip())
    return Address(
        words=head["words"].strip(),
        number=head["number"] or "",
        unit=tail["unit"] or "",
        room=tail["room"],
    )


def _building_q(words, number):
    q = Q()
    if words:
        q &= Q(building__place_name__icontains=words) | Q(building__name__icontains=words)
    if number:
        # 2号楼 is not 12号楼: the number stands alone before its word.
        pattern = rf"(^|[^0-9]){number}(号楼|号|栋|幢|#)"
        q &= Q(building__place_name__regex=pattern) | Q(
            building__place_name="", building__name__regex=pattern
        )
    return q


def _address_q(address):
    q = Q(room=address.room) & _building_q(address.words, address.number)
    if address.unit:
        q &= Q(unit=address.unit)
    return q


def _words_q(query):
    """The query as words: a building, a room, a resident's name or the name's initials."""
    residents = Resident.objects.filter(household=OuterRef("pk"))
    head = _BUILDING.match(query)
    numbered = head is not None and head["number"]  # "2号楼", "锦绣苑2号楼": not 12号楼
    building = _building_q(head["words"], head["number"]) if numbered else _building_q(query, "")
    return (
        building
        | Q(room=query)
        | Exists(residents.filter(name__icontains=query))
        | Exists(residents.filter(name_initials__startswith=query.lower()))
    )


def find_households(user, query):
    """Households the user sees that match the query, in the register's order."""
    query = normalise(query)
    if not query:
        return Household.objects.none()
    q = _words_q(query)
    address = parse_address(query)
    if address is not None:
        q |= _address_q(address)
    return (
        Household.objects.visible_to(user)
        .filter(q)
        .select_related("building")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.order_by("pk")))
        .order_by("building__lft", "unit", "room")[:LIMIT]
    )
