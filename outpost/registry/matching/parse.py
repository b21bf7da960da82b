"""Free text → address components: road + door number, compound, building, unit, room, floor, and
the divisions named on the way.

The parser knows the district's names (through the gazetteer) but not its addresses: whether the
parsed components exist is the matcher's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .gazetteer import AREA, COMPOUND, ROAD, Gazetteer, NameToken
from .text import MARKER_END, NumberToken, TextToken, lex, normalise, number_key

_BUILDING_MARKERS = frozenset(("号楼", "栋", "幢", "座"))
_ROOM_MARKERS = frozenset(("室", "房", "户"))
_FLOOR_MARKERS = frozenset(("层", "楼"))
_DOOR_MARKERS = frozenset(("号", "号院", ""))

Token = NameToken | NumberToken | TextToken
# Words after which a name is a landmark near the address, not part of it.
LANDMARK_WORDS = ("靠近", "挨着", "临近", "邻近", "接近", "离", "近")
TYPO_REACH = 3
MAX_BARE_DIGITS = 5


@dataclass
class ParsedAddress:
    road: str | None = None  # the road the door number follows (exact name from the gazetteer)
    door: str | None = None  # door number key on that road: "107", "2-1"
    # Text before a door number that is no known road, starting at each of the (up to
    # TYPO_REACH) tokens before the number: maybe a road with a typo.
    typo_segments: tuple[str, ...] = ()
    typo_door: str | None = None  # the number after them (used only when `door` is None)
    # The same for the first unknown text before any number: maybe a compound with a typo.
    loose_segments: tuple[str, ...] = ()
    # A door number read after a compound after a road (江苏路颐和公寓46号); when that door does
    # not fit, the number may be the compound's building (宁海花园3号).
    door_or_building: str | None = None
    road_hints: set[str] = field(default_factory=set)  # roads named without a number
    compound: str | None = None
    areas: list[tuple[str, ...]] = field(default_factory=list)  # each: codes one name may mean
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    floor: str | None = None
    conflict: bool = False  # the text names two different values for one component

    def set(self, slot: str, value: str) -> None:
        old = getattr(self, slot)
        if old is None:
            setattr(self, slot, value)
        elif old != value:
            self.conflict = True


def tokens(gazetteer: Gazetteer, text: str) -> list[Token]:
    out: list[Token] = []
    for piece in gazetteer.scan(normalise(text)):
        if isinstance(piece, NameToken):
            out.append(piece)
        else:
            out.extend(lex(piece))
    return out


def without_landmarks(items: list[Token]) -> list[Token]:
    """Drop the place a caller gives as a landmark (靠近宁海路, 挨着宁海花园, 离北京西路5号不远):
    the name after a landmark word, and the door number after a road named so."""
    out: list[Token] = []
    prev: Token | None = None
    for item in items:
        landmark = isinstance(prev, TextToken) and prev.text.endswith(LANDMARK_WORDS)
        door_of_landmark = (
            isinstance(prev, NameToken)
            and prev.kind == ROAD
            and (not out or out[-1] is not prev)
            and isinstance(item, NumberToken)
            and item.marker in _DOOR_MARKERS
        )
        prev = item
        if not (landmark and isinstance(item, NameToken)) and not door_of_landmark:
            out.append(item)
    return out


def parse(gazetteer: Gazetteer, text: str) -> ParsedAddress:
    """The address in `text`, landmarks left out; when that leaves nothing to place (靠近珞珈路2号
    alone), the landmark is the place."""
    items = tokens(gazetteer, text)
    addressed = without_landmarks(items)
    p = _read(addressed)
    if (
        len(addressed) < len(items)
        and p.door is None
        and p.typo_door is None
        and p.compound is None
    ):
        return _read(items)
    return p


def _read(items: list[Token]) -> ParsedAddress:
    p = ParsedAddress()
    for i, item in enumerate(items):
        prev = items[i - 1] if i else None
        if isinstance(item, NameToken):
            if item.kind == ROAD:
                p.road_hints.add(item.value[0])  # dropped again if a door number follows
            elif item.kind == COMPOUND:
                p.set("compound", item.value[0])
            elif item.kind == AREA:
                p.areas.append(item.value)
        elif isinstance(item, NumberToken):
            _number(p, item, prev, items[max(0, i - TYPO_REACH) : max(0, i - 1)][::-1])
    return p


def _number(p: ParsedAddress, tok: NumberToken, prev: Token | None, before: list[Token]) -> None:
    value, marker = tok
    parts = [number_key(x) for x in value.split("-")]
    text_before = prev.text if isinstance(prev, TextToken) and not prev.text[-1].isascii() else ""
    if text_before and not p.loose_segments and p.compound is None:
        assert isinstance(prev, TextToken)
        p.loose_segments = _segments(prev, before)
    unknown_before = bool(text_before) and text_before[-1] not in MARKER_END
    if _door_number(p, parts, marker, prev):
        return
    if (
        unknown_before
        and marker in _DOOR_MARKERS
        and len(parts) == 1
        and p.door is None
        and p.typo_door is None
    ):
        # Text that is no known name, then a number: maybe a road with a typo.
        assert isinstance(prev, TextToken)
        p.typo_segments = _segments(prev, before)
        p.typo_door = parts[0]
        return
    if marker in _BUILDING_MARKERS:
        p.set("building", parts[0] if len(parts) == 1 else value)
    elif marker == "单元":
        p.set("unit", parts[0])
    elif marker in _ROOM_MARKERS:
        if len(parts) > 1:  # 2-1-102室, 1-602室
            _dash(p, parts)
        else:
            p.set("room", parts[0])
    elif marker in _FLOOR_MARKERS:
        p.set("floor", parts[0])
    elif len(parts) > 1:
        _dash(p, parts)
    elif marker:  # 号 / 号院 not after a road: building first (宁海花园3号), then room
        if p.building is None and p.unit is None and p.room is None:
            p.set("building", parts[0])
        else:
            p.set("room", parts[0])
    else:
        _bare(p, parts[0])


def _segments(prev: TextToken, before: list[Token]) -> tuple[str, ...]:
    """Unknown text before a number, alone and with each name before it (nearest first): a typo
    may have left a known name at its start (江苏莹 for 江苏路: 江苏 + 莹)."""
    segment = prev.text
    segments = [segment]
    for back in before:
        if isinstance(back, NumberToken):
            break
        segment = back.text + segment
        segments.append(segment)
    return tuple(segments)


def _door_number(p: ParsedAddress, parts: list[str], marker: str, prev: Token | None) -> bool:
    """Read a door number after a road (珞珈路2号, 2-3-1-101 = door-building-unit-room) or after
    a compound after the one road named (江苏路颐和公寓46号); False when it is none."""
    if not isinstance(prev, NameToken) or marker not in _DOOR_MARKERS:
        return False
    if prev.kind == COMPOUND and marker and len(parts) == 1 and len(p.road_hints) == 1:
        if p.door is None and p.building is None:
            p.door_or_building = parts[0]
            _door(p, next(iter(p.road_hints)), parts[0])
            return True
        return False
    if prev.kind != ROAD:
        return False
    if marker or len(parts) == 1:  # 2号, 2-1号, 2
        _door(p, prev.value[0], "-".join(parts))
        return True
    if len(parts) == 4:
        _door(p, prev.value[0], parts[0])
        _dash(p, parts[1:])
        return True
    return False


def _door(p: ParsedAddress, road: str, door: str) -> None:
    if p.door is not None and (p.road != road or p.door != door):
        p.conflict = True
        return
    p.road, p.door = road, door
    p.road_hints.discard(road)


# Slots of the dash forms, by (number of parts, building already said, last part looks like a
# room): 3-2-401 = building-unit-room; 3-401 = building-room; 3-2 = building-unit; after a
# building (2栋1-102) 1-102 = unit-room.
_DASH_SLOTS = {
    (3, False, True): ("building", "unit", "room"),
    (3, False, False): ("building", "unit", "room"),
    (3, True, True): ("building", "unit", "room"),
    (3, True, False): ("building", "unit", "room"),
    (2, False, True): ("building", "room"),
    (2, False, False): ("building", "unit"),
    (2, True, True): ("unit", "room"),
    (2, True, False): ("building", "unit"),
}


def _dash(p: ParsedAddress, parts: list[str]) -> None:
    slots = _DASH_SLOTS.get((len(parts), p.building is not None, len(parts[-1]) >= 3))
    if slots is None:
        p.conflict = True  # no reading for 4 or more parts here
        return
    for slot, value in zip(slots, parts, strict=True):
        p.set(slot, value)


def _bare(p: ParsedAddress, value: str) -> None:
    """A number without its word (栋/单元/室 missing): the next empty slot, rooms by length.
    A long one (a phone number) is no part of the address."""
    if len(value) > MAX_BARE_DIGITS:
        return
    if len(value) >= 3 and p.room is None:
        p.room = value
    elif p.building is None and p.room is None:
        p.building = value
    elif p.unit is None and p.room is None:
        p.unit = value
    else:
        p.set("room", value)
