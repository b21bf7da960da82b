"""AddressMatcher: parse the text, then look the parsed components up exactly.

It never guesses: a door, building or room that does not exist, a component that contradicts
another (a community the door is not in, a compound the door does not belong to), or text that
fits more than one address gives addr_id None. The nearest existing parent, or the equally good
readings, are then offered as candidates scoring below MATCH_THRESHOLD.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace
from typing import TypeVar

from .gazetteer import Gazetteer, division_level
from .parse import ParsedAddress, parse
from .records import BUILDING, DOOR, ROOM, AddressRecord, Candidate, MatchResult
from .text import field_key, normalise

# Scores. A match scores EXACT, less a penalty for each step that was not written out; anything
# offered instead of a match scores below MATCH_THRESHOLD (0.8).
EXACT = 1.0
TYPO_PENALTY = 0.1  # the road was found with one typo
ONLY_BUILDING_PENALTY = 0.1  # no building given, the door has just one
UNIT_PENALTY = 0.05  # no unit given, the room number is unique in the building
PARENT_SCORE = 0.6  # the building/door when the room/building asked for does not exist
CONFLICT_SCORE = 0.5  # the address the door leads to, when other parts of the text disagree
AMBIGUOUS_SCORE = 0.4  # one of several addresses the text fits
NEIGHBOUR_SCORE = 0.2  # a door plate on the same road, when the door number does not exist
MAX_CANDIDATES = 3

NO_MATCH = MatchResult(None, 0.0, ())
_K = TypeVar("_K", bound=Hashable)


class _Miss(Exception):
    """Descending stopped: `parent` (if any) is the nearest existing address."""

    def __init__(self, parent: AddressRecord | None, score: float = PARENT_SCORE) -> None:
        super().__init__()
        self.parent = parent
        self.score = score


class AddressMatcher:
    def __init__(self, records: Iterable[AddressRecord], division_names: Mapping[str, str]) -> None:
        """Index `records` (a complete 门牌 → 楼栋 → 户室 tree; any order) and the division names
        (code → name, for province, city, district, street and community). Immutable once built:
        safe to share between threads; build a new one when the addresses change."""
        doors: dict[tuple[str, str], list[AddressRecord]] = defaultdict(list)
        doors_by_road: dict[str, list[tuple[str, AddressRecord]]] = defaultdict(list)
        compound_doors: dict[str, list[AddressRecord]] = defaultdict(list)
        buildings: dict[str, dict[str, AddressRecord | None]] = defaultdict(dict)
        rooms: dict[str, dict[tuple[str, str], AddressRecord | None]] = defaultdict(dict)
        rooms_by_no: dict[str, dict[str, list[AddressRecord]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._door_compound: dict[str, str] = {}
        self._floor: dict[str, str] = {}
        pending: list[AddressRecord] = []
        for rec in records:
            if rec.level != DOOR:
                pending.append(rec)
                continue
            road, door = normalise(rec.road), field_key(rec.door_no)
            if road and door:
                doors[(road, door)].append(rec)
                doors_by_road[road].append((door, rec))
            if rec.compound:
                compound = normalise(rec.compound)
                compound_doors[compound].append(rec)
                self._door_compound[rec.addr_id] = compound
        for rec in pending:
            if rec.level == BUILDING:
                _put(buildings[rec.parent_id], field_key(rec.building), rec)
            elif rec.level == ROOM:
                key = (field_key(rec.unit), field_key(rec.room))
                _put(rooms[rec.parent_id], key, rec)
                rooms_by_no[rec.parent_id][key[1]].append(rec)
                if rec.floor:
                    self._floor[rec.addr_id] = field_key(rec.floor)
        # Two door plates with one road and number (a data error) are ambiguous: kept as a list.
        # Two buildings or rooms with one key under a parent are kept as None: not found.
        self._doors = dict(doors)
        self._doors_by_road = dict(doors_by_road)
        self._compound_doors = dict(compound_doors)
        self._buildings = dict(buildings)
        self._rooms = dict(rooms)
        self._rooms_by_no = {k: dict(v) for k, v in rooms_by_no.items()}
        self._gazetteer = Gazetteer(self._doors_by_road, self._compound_doors, division_names)
        # Each division code as the prefix its descendants' codes start with.
        self._prefix = {
            code: code[:level] for code in division_names if (level := division_level(code))
        }

    # -- public ---------------------------------------------------------------------------------

    def match(self, text: str) -> MatchResult:
        if not text or not text.strip():
            return NO_MATCH
        return self._resolve(parse(self._gazetteer, text))

    def match_many(self, texts: Iterable[str]) -> list[MatchResult]:
        return [self.match(t) for t in texts]

    def match_parsed(self, parsed: ParsedAddress) -> MatchResult:
        """Resolve text another gazetteer parsed (the district router's, which knows every
        district's names: a road of another district is then that road, not a typo of one of
        this district's)."""
        return self._resolve(parsed)

    # -- resolution -----------------------------------------------------------------------------

    def _resolve(self, p: ParsedAddress) -> MatchResult:
        if p.conflict:
            return NO_MATCH
        result = self._place(p)
        if result.addr_id is None and p.door_or_building is not None and p.road is not None:
            # 宁海路宁海花园3号: when door 3 of the road does not fit, building 3 of the compound.
            as_building = replace(
                p, road=None, door=None, building=p.door_or_building, door_or_building=None
            )
            as_building.road_hints = p.road_hints | {p.road}
            other = self._place(as_building)
            if other.addr_id is not None:
                return other
        return result

    def _place(self, p: ParsedAddress) -> MatchResult:
        score = EXACT
        door_no = p.door if p.door is not None else p.typo_door
        if door_no is None and p.compound is None and p.loose_segments:
            compound = self._gazetteer.fuzzy_compound(p.loose_segments)
            if compound is None:
                return NO_MATCH
            p = replace(p, compound=compound)
            score -= TYPO_PENALTY
        if door_no is not None:
            road = p.road
            if road is None:
                road = self._gazetteer.fuzzy_road(p.typo_segments)
                if road is None:
                    return NO_MATCH
                score -= TYPO_PENALTY
            same = self._doors.get((road, door_no), [])
            if len(same) != 1:
                if same:
                    return _offer(same, AMBIGUOUS_SCORE)
                return _offer(self._neighbours(road, door_no, p.compound), NEIGHBOUR_SCORE)
            door = same[0]
            if not self._consistent(door, p):
                found = self._descend_quietly(door, p)
                return _offer([found or door], CONFLICT_SCORE)
        elif p.compound is not None:
            found_door = self._compound_door(p)
            if isinstance(found_door, MatchResult):
                return found_door
            door = found_door
        else:
            return NO_MATCH
        try:
            rec, penalty = self._descend(door, p)
        except _Miss as miss:
            return _offer([miss.parent] if miss.parent else [], miss.score)
        return MatchResult(rec.addr_id, round(score - penalty, 4), (_cand(rec, score - penalty),))

    def _compound_door(self, p: ParsedAddress) -> AddressRecord | MatchResult:
        """The compound's door the text means: its only door (on the road and in the divisions
        named), or the only one with the building named (宁海花园4栋 when one door has a 4栋)
        or, the unit named too, the only one with that room; else the readings offered."""
        assert p.compound is not None
        doors = [
            d
            for d in self._compound_doors.get(p.compound, ())
            if (not p.road_hints or normalise(d.road) in p.road_hints) and self._in_areas(d, p)
        ]
        if len(doors) == 1:
            return doors[0]
        if p.building is not None:
            holding = [d for d in doors if p.building in self._buildings.get(d.addr_id, {})]
            if len(holding) > 1 and p.unit is not None:  # no room is then inferred: exact
                holding = [d for d in holding if self._descend_quietly(d, p) is not None]
            if len(holding) == 1:
                return holding[0]
        return _offer([self._descend_quietly(d, p) or d for d in doors], AMBIGUOUS_SCORE)

    def _descend(self, door: AddressRecord, p: ParsedAddress) -> tuple[AddressRecord, float]:
        """The record under `door` that the parsed building/unit/room name, and the score penalty
        for what had to be inferred; raises _Miss with the nearest existing parent."""
        penalty = 0.0
        buildings = self._buildings.get(door.addr_id, {})
        if p.building is not None:
            parent = buildings.get(p.building)
            if parent is None:
                raise _Miss(door)
        elif p.unit is None and p.room is None:
            return door, penalty
        elif door.addr_id in self._rooms:
            parent = door  # rooms right under the door plate
        elif len(buildings) == 1 and (only := next(iter(buildings.values()))) is not None:
            parent = only
            penalty += ONLY_BUILDING_PENALTY
        else:
            raise _Miss(door)
        rooms = self._rooms.get(parent.addr_id, {})
        if p.room is None:
            # A unit or floor is no address of its own: the building is, if they exist in it.
            if (p.unit is not None or p.floor is not None) and not any(
                (p.unit is None or unit == p.unit)
                and (p.floor is None or self._floor.get(rec.addr_id) == p.floor)
                for (unit, _), rec in rooms.items()
                if rec is not None
            ):
                raise _Miss(parent)
            return parent, penalty
        if p.unit is not None:
            rec = rooms.get((p.unit, p.room))
        else:
            same_no = self._rooms_by_no.get(parent.addr_id, {}).get(p.room, [])
            rec = same_no[0] if len(same_no) == 1 else None
            if rec is not None and rec.unit:
                penalty += UNIT_PENALTY
        if rec is None:
            raise _Miss(parent)
        if p.floor is not None and self._floor.get(rec.addr_id, p.floor) != p.floor:
            raise _Miss(parent)
        return rec, penalty

    def _descend_quietly(self, door: AddressRecord, p: ParsedAddress) -> AddressRecord | None:
        try:
            return self._descend(door, p)[0]
        except _Miss:
            return None

    def _consistent(self, door: AddressRecord, p: ParsedAddress) -> bool:
        if p.compound is not None and self._door_compound.get(door.addr_id) != p.compound:
            return False
        return self._in_areas(door, p)

    def _in_areas(self, door: AddressRecord, p: ParsedAddress) -> bool:
        """Every division named in the text contains the door's community."""
        code = door.community_code
        prefix = self._prefix
        return all(
            any(c in prefix and code.startswith(prefix[c]) for c in codes) for codes in p.areas
        )

    def _neighbours(self, road: str, door: str, compound: str | None) -> list[AddressRecord]:
        """Door plates on the same road nearest in number (the compound's own door first)."""
        doors = self._doors_by_road.get(road, [])
        same_compound = [
            d for _, d in doors if compound and self._door_compound.get(d.addr_id) == compound
        ]
        if not door.isdigit():
            return same_compound
        target = int(door)
        numbered = [(abs(int(k) - target), d) for k, d in doors if k.isdigit()]
        numbered.sort(key=lambda x: (x[0], x[1].addr_id))
        return _unique(same_compound + [d for _, d in numbered[:MAX_CANDIDATES]])


def _put(index: dict[_K, AddressRecord | None], key: _K, rec: AddressRecord) -> None:
    index[key] = None if key in index else rec


def _unique(recs: list[AddressRecord]) -> list[AddressRecord]:
    first: dict[str, AddressRecord] = {}
    for r in recs:
        first.setdefault(r.addr_id, r)
    return list(first.values())


def _cand(rec: AddressRecord, score: float) -> Candidate:
    return Candidate(rec.addr_id, round(score, 4), rec.full_text)


def _offer(recs: list[AddressRecord], score: float) -> MatchResult:
    cands = tuple(_cand(r, score) for r in _unique(recs)[:MAX_CANDIDATES])
    return MatchResult(None, cands[0].score if cands else 0.0, cands)
