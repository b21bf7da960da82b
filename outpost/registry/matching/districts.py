"""One matcher per district (区县), and the router that sends a text to the districts it is about.

At province scale one AddressMatcher over every address does not fit each process (1.56 GB per
million addresses), and a road and door number that exist in two districts make it answer no
match even when the text names the district. So each district has its own matcher, and a text
goes to:

1. the districts it names (a city names its districts; 鼓楼区 names both 鼓楼区 of 江苏): each
   division named narrows the districts, so 南京鼓楼区 is 南京's 鼓楼区 only;
2. else, the districts that have the road (or the compound) it names;
3. else, every district it may go to (`within`: the caller's area, or all).

Every route is cut to `within` first: a caller is never answered from a district outside it, even
when the text names that district (the answer is then the one for an address that does not
exist). When more than one district is asked, a match stands only if no other district has the
place the text leads to (the same road and door number in two districts is ambiguous, whatever
rooms each has, as it was for one matcher over both): else no match, both offered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from .gazetteer import Gazetteer, division_level
from .matcher import AMBIGUOUS_SCORE, MAX_CANDIDATES, NEIGHBOUR_SCORE, NO_MATCH, AddressMatcher
from .parse import ParsedAddress, parse
from .records import DOOR, AddressRecord, Candidate, MatchResult
from .text import normalise

DISTRICT_DIGITS = 6


def district_of(code: str) -> str:
    """The district (6-digit prefix) of a community, grid, police or division code."""
    return code[:DISTRICT_DIGITS]


def district_names(division_names: Mapping[str, str], district: str) -> dict[str, str]:
    """The names a district's matcher needs: its province, city, itself and everything in it."""
    above = {district[:2].ljust(12, "0"), district[:4].ljust(12, "0")}
    return {
        code: name
        for code, name in division_names.items()
        if code.startswith(district) or code in above
    }


def split_by_district(records: Iterable[AddressRecord]) -> dict[str, list[AddressRecord]]:
    by_district: dict[str, list[AddressRecord]] = defaultdict(list)
    for rec in records:
        by_district[district_of(rec.community_code)].append(rec)
    return dict(by_district)


class DistrictRouter:
    """The districts a text is about, from the names of every district: divisions, roads and
    compounds (the roads and compounds keep a division's name inside a road's from counting:
    玄武湖路 does not name 玄武区)."""

    def __init__(
        self,
        names: Mapping[str, tuple[Iterable[str], Iterable[str]]],
        division_names: Mapping[str, str],
    ) -> None:
        """`names`: district → (its roads, its compounds), for every district with addresses."""
        self.districts = frozenset(names)
        self._road: dict[str, set[str]] = defaultdict(set)
        self._compound: dict[str, set[str]] = defaultdict(set)
        for district, (roads, compounds) in names.items():
            for road in roads:
                self._road[normalise(road)].add(district)
            for compound in compounds:
                self._compound[normalise(compound)].add(district)
        self._gazetteer = Gazetteer(self._road, self._compound, division_names)
        self._under: dict[str, frozenset[str]] = {}

    @classmethod
    def from_records(
        cls, records: Iterable[AddressRecord], division_names: Mapping[str, str]
    ) -> DistrictRouter:
        names: dict[str, tuple[set[str], set[str]]] = {}
        for rec in records:
            roads, compounds = names.setdefault(district_of(rec.community_code), (set(), set()))
            if rec.level == DOOR:
                roads.add(rec.road)
                if rec.compound:
                    compounds.add(rec.compound)
        return cls(names, division_names)

    def under(self, code: str) -> frozenset[str]:
        """The districts with addresses inside a division (or an area given as a code prefix)."""
        found = self._under.get(code)
        if found is None:
            level = division_level(code)
            prefix = code[: min(level, DISTRICT_DIGITS)] if level else code[:DISTRICT_DIGITS]
            found = frozenset(d for d in self.districts if d.startswith(prefix))
            self._under[code] = found
        return found

    def parse(self, text: str) -> ParsedAddress:
        return parse(self._gazetteer, text)

    def route(self, text: str, within: frozenset[str] | None = None) -> frozenset[str]:
        """The districts whose matchers may answer `text` (none: nothing can match)."""
        return self.route_parsed(self.parse(text), within)

    def route_parsed(
        self, p: ParsedAddress, within: frozenset[str] | None = None
    ) -> frozenset[str]:
        allowed = self.districts if within is None else self.districts & within
        if p.areas:
            named = allowed
            for codes in p.areas:
                named = named & frozenset().union(*(self.under(c) for c in codes))
            return named
        having = self._road.get(p.road) if p.road else None
        if having is None and p.compound:
            having = self._compound.get(p.compound)
        narrowed = allowed & having if having else frozenset()
        # A road known only outside the area may be a typo of one inside it: ask the area.
        return narrowed or allowed


def merge(results: list[MatchResult]) -> MatchResult:
    """One answer from several districts' matchers, as one matcher over all of them would give:
    a match only when no other district has the place the text names (its door, or the parent
    of the room asked for); two districts having it is ambiguous: no match, both offered."""
    found = [r for r in results if _has_place(r)]
    if len(found) == 1:
        return found[0]
    if found:
        offered = sorted((r.candidates[0] for r in found), key=lambda c: c.addr_id)
        cands = tuple(Candidate(c.addr_id, AMBIGUOUS_SCORE, c.full_text) for c in offered)
        return MatchResult(None, AMBIGUOUS_SCORE, cands[:MAX_CANDIDATES])
    offered = sorted(
        (c for r in results for c in r.candidates), key=lambda c: (-c.score, c.addr_id)
    )
    if not offered:
        return NO_MATCH
    return MatchResult(None, offered[0].score, tuple(offered[:MAX_CANDIDATES]))


def _has_place(result: MatchResult) -> bool:
    """A match, or no match offering what the text leads to (a parent, an address other words
    contradict, equally good readings); not merely door plates nearby on the road."""
    return result.addr_id is not None or any(c.score > NEIGHBOUR_SCORE for c in result.candidates)


class RoutedMatcher:
    """The matcher a caller uses: routes each text, asks each district's matcher (taken from
    `shard`, which may build it), merges. At most `max_districts` matchers per text: a text that
    could be in more districts than a process holds is answered no match (name the district)."""

    def __init__(
        self,
        router: DistrictRouter,
        shard: Callable[[str], AddressMatcher],
        within: frozenset[str] | None = None,
        max_districts: int | None = None,
    ) -> None:
        self.router, self.shard, self.within = router, shard, within
        self.max_districts = max_districts

    def districts_for(self, text: str) -> frozenset[str]:
        return self.router.route(text, self.within)

    def match(self, text: str) -> MatchResult:
        """The text is parsed once, by the router (see AddressMatcher.match_parsed)."""
        if not text or not text.strip():
            return NO_MATCH
        parsed = self.router.parse(text)
        districts = self.router.route_parsed(parsed, self.within)
        if not districts or (self.max_districts and len(districts) > self.max_districts):
            return NO_MATCH
        results = [self.shard(d).match_parsed(parsed) for d in sorted(districts)]
        return results[0] if len(results) == 1 else merge(results)

    def match_many(self, texts: Iterable[str]) -> list[MatchResult]:
        return [self.match(t) for t in texts]
