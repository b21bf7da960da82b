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
TYPO_REACH = 3


@dataclass
class ParsedAddress:
    road: str | None = None  # the road the door number follows (exact name from the gazetteer)
    door: str | None = None  # door number key on that road: "107", "2-1"
    # Text before a door number that is no known road, starting at each of the (up to
    # TYPO_REACH) tokens before the number: maybe a road with a typo.
    typo_segments: tuple[str, ...] = ()
    typo_door: str | None = None  # the number after them (used only when `door` is None)
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


def parse(gazetteer: Gazetteer, text: str) -> ParsedAddress:
    p = ParsedAddress()
    items = tokens(gazetteer, text)
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
    after_road = isinstance(prev, NameToken) and prev.kind == ROAD
    if after_road and marker in _DOOR_MARKERS:
        assert isinstance(prev, NameToken)
        if marker or len(parts) == 1:  # 2号, 2-1号, 2
            _door(p, prev.value[0], "-".join(parts))
            return
        if len(parts) == 4:  # 2-3-1-101: door-building-unit-room
            _door(p, prev.value[0], parts[0])
            _dash(p, parts[1:])
            return
    if (
        isinstance(prev, TextToken)
        and marker in _DOOR_MARKERS
        and len(parts) == 1
        and p.door is None
        and p.typo_door is None
        and prev.text[-1] not in MARKER_END
        and not prev.text[-1].isascii()
    ):
        # Text that is no known name, then a number: maybe a road with a typo. The typo may have
        # left a known name at its start (江苏莹 for 江苏路: 江苏 + 莹), so the text can begin at
        # any of the names before it.
        segment = prev.text
        segments = [segment]
        for back in before:
            if isinstance(back, NumberToken):
                break
            segment = back.text + segment
            segments.append(segment)
        p.typo_segments = tuple(segments)
        p.typo_door = parts[0]
        return
    if marker in _BUILDING_MARKERS:
        p.set("building", parts[0] if len(parts) == 1 else value)
    elif marker == "单元":
        p.set("unit", parts[0])
    elif marker in _ROOM_MARKERS:
        p.set("room", "-".join(parts))
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


def _door(p: ParsedAddress, road: str, door: str) -> None:
    if p.door is not None and (p.road != road or p.door != door):
        p.conflict = True
        return
    p.road, p.door = road, door
    p.road_hints.discard(road)


def _dash(p: ParsedAddress, parts: list[str]) -> None:
    """3-2-401 = building-unit-room; 3-401 = building-room; 3-2 = building-unit."""
    if len(parts) == 3:
        p.set("building", parts[0])
        p.set("unit", parts[1])
        p.set("room", parts[2])
    elif len(parts) == 2:
        p.set("building", parts[0])
        p.set("room" if len(parts[1]) >= 3 else "unit", parts[1])
    else:
        p.conflict = True  # no reading for 5 or more parts


def _bare(p: ParsedAddress, value: str) -> None:
    """A number without its word (栋/单元/室 missing): the next empty slot, rooms by length."""
    if len(value) >= 3 and p.room is None:
        p.room = value
    elif p.building is None and p.room is None:
        p.building = value
    elif p.unit is None and p.room is None:
        p.unit = value
    else:
        p.set("room", value)
