"""The matcher's public value types: standard address records in, match results out."""

from __future__ import annotations

from dataclasses import dataclass

DOOR = "门牌"
BUILDING = "楼栋"
ROOM = "户室"

# A result with addr_id set has at least this score; candidates offered instead of a match
# (a parent, or one of several equally good readings) always score below it.
MATCH_THRESHOLD = 0.8


@dataclass(frozen=True)
class AddressRecord:
    """One standard address (门牌 door plate, 楼栋 building or 户室 room)."""

    addr_id: str
    level: str  # "门牌" | "楼栋" | "户室"
    parent_id: str
    community_code: str
    road: str
    door_no: str
    compound: str
    building: str
    unit: str
    floor: str
    room: str
    full_text: str


@dataclass(frozen=True)
class Candidate:
    addr_id: str
    score: float
    full_text: str


@dataclass(frozen=True)
class MatchResult:
    """addr_id is None when there is no confident match; candidates (up to 3, best first) then
    hold the nearest existing parent or the equally good readings, each scoring below
    MATCH_THRESHOLD."""

    addr_id: str | None
    score: float
    candidates: tuple[Candidate, ...]
