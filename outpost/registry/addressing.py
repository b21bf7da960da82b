"""The address matcher over the stored standard addresses: one matcher per district (区县), kept
per process, built the first time a text is routed to its district and rebuilt only when that
district's addresses change; at most OUTPOST_MATCHER_DISTRICTS of them, the least recently used
dropped first. `outpost.registry.matching.districts` says how a text is routed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.functions import Substr

from outpost.core.scoping import Scope
from outpost.geo.models import Division
from outpost.registry.matching import AddressMatcher, AddressRecord
from outpost.registry.matching.districts import (
    DISTRICT_DIGITS,
    DistrictRouter,
    RoutedMatcher,
    district_names,
)
from outpost.registry.models import AddressLevel, StandardAddress

LEVEL_NAMES = {"door": "门牌", "building": "楼栋", "room": "户室"}
Stamp = tuple[int, Any]  # (how many addresses or the newest id, the latest updated_at)


def _records(district: str) -> list[AddressRecord]:
    rows = (
        StandardAddress.objects.filter(**_in_district(district))
        .select_related("parent")
        .order_by("code")
    )
    return [
        AddressRecord(
            addr_id=a.code,
            level=LEVEL_NAMES[a.level],
            parent_id=a.parent.code if a.parent else "",
            community_code=a.community_code,
            road=a.road,
            door_no=a.door_no,
            compound=a.compound,
            building=a.building,
            unit=a.unit,
            floor=a.floor,
            room=a.room,
            full_text=a.full_text,
        )
        for a in rows
    ]


def _in_district(district: str) -> dict[str, str]:
    """A range on the indexed community code (a LIKE prefix would not use the index on
    PostgreSQL under a non-C collation): 320106 <= code < 320107."""
    if not district.isdigit():
        return {"community_code__startswith": district}
    following = str(int(district) + 1).zfill(len(district))
    return {"community_code__gte": district, "community_code__lt": following}


def _district_stamps() -> dict[str, Stamp]:
    rows = (
        StandardAddress.objects.annotate(district=Substr("community_code", 1, DISTRICT_DIGITS))
        .values("district")
        .annotate(n=Count("id"), latest=Max("updated_at"))
        .order_by()
    )
    return {r["district"]: (r["n"], r["latest"]) for r in rows}


def _roads_and_compounds(district: str) -> tuple[set[str], set[str]]:
    doors = StandardAddress.objects.filter(level=AddressLevel.DOOR, **_in_district(district))
    pairs = doors.values_list("road", "compound").distinct()
    return {road for road, _ in pairs}, {compound for _, compound in pairs if compound}


class Shards:
    """One process's district matchers and the router over every district's names.

    Each request reads one stamp of all addresses (newest id, latest change); only when it
    moved are the districts' own stamps read, and the matcher and router names of the districts
    whose stamps moved are dropped, to be read again when next needed."""

    def __init__(self, max_districts: int) -> None:
        self.max_districts = max_districts
        self._lock = threading.RLock()
        self._stamp: Stamp | None = None
        self._districts: dict[str, Stamp] = {}
        self._names: dict[str, tuple[Stamp, tuple[set[str], set[str]]]] = {}
        self._router: DistrictRouter | None = None
        self._divisions: dict[str, str] = {}
        self._matchers: OrderedDict[str, tuple[Stamp | None, AddressMatcher]] = OrderedDict()
        self.builds: list[str] = []  # districts whose matcher this process built, in order

    def refresh(self) -> DistrictRouter:
        # The newest id and change: two index probes, not a count of every address (a scan of
        # millions at a province's size, on every match). Addresses are never deleted.
        stats = StandardAddress.objects.aggregate(n=Max("id"), latest=Max("updated_at"))
        stamp = (stats["n"] or 0, stats["latest"])
        with self._lock:
            if self._router is None or stamp != self._stamp:
                self._districts = _district_stamps()
                self._router = self._build_router()
                self._stamp = stamp
            return self._router

    def _build_router(self) -> DistrictRouter:
        names = {}
        for district, stamp in self._districts.items():
            kept = self._names.get(district)
            if kept is None or kept[0] != stamp:
                kept = (stamp, _roads_and_compounds(district))
            names[district] = kept
        self._names = names
        self._divisions = dict(Division.objects.values_list("code", "name"))
        return DistrictRouter({d: n for d, (_, n) in names.items()}, self._divisions)

    def matcher(self, district: str) -> AddressMatcher:
        with self._lock:
            stamp = self._districts.get(district)
            kept = self._matchers.get(district)
            if kept is not None and kept[0] == stamp:
                self._matchers.move_to_end(district)
                return kept[1]
            built = AddressMatcher(_records(district), district_names(self._divisions, district))
            self.builds.append(district)
            self._matchers[district] = (stamp, built)
            self._matchers.move_to_end(district)
            while len(self._matchers) > self.max_districts:
                self._matchers.popitem(last=False)
            return built

    def held(self) -> list[str]:
        """The districts whose matchers this process holds, least recently used first."""
        return list(self._matchers)


_shards: Shards | None = None
_shards_lock = threading.Lock()


def shards() -> Shards:
    global _shards
    with _shards_lock:
        if _shards is None or _shards.max_districts != settings.OUTPOST_MATCHER_DISTRICTS:
            _shards = Shards(settings.OUTPOST_MATCHER_DISTRICTS)
        return _shards


def scope_districts(scope: Scope | None, districts: frozenset[str]) -> frozenset[str] | None:
    """The districts an area covers (None: all of them). Civil and police codes both begin with
    their district's code; a shorter prefix (a city, the province) covers its districts."""
    if scope is None or scope.everything:
        return None
    prefixes = scope.civil + scope.police
    return frozenset(d for d in districts for p in prefixes if d.startswith(p[:DISTRICT_DIGITS]))


def address_matcher(scope: Scope | None = None) -> RoutedMatcher:
    """The matcher for a caller whose area is `scope` (None: the command line, every district).
    It answers only from the districts of that area, whatever the text names."""
    cache = shards()
    router = cache.refresh()
    within = scope_districts(scope, router.districts)
    return RoutedMatcher(router, cache.matcher, within, cache.max_districts)
