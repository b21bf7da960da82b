"""The district's own names (roads, compounds, communities, streets, and the regions above them),
found in normalised text by a leftmost-longest scan, and the one fuzzy step: a road name with one
typo."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from .text import normalise

ROAD = "road"
COMPOUND = "compound"
AREA = "area"  # a division (province … community): value = the codes it may stand for

# Characters whose change turns one road into another (中山路/中山北路/中山南路, 马路/大马路,
# 热河路/热河街): a typo may not add or drop one of them, nor swap one for another (南 → 北);
# swapping one for an ordinary character (热河男路) is a typo like any other.
_SIGNIFICANT = frozenset("东南西北中上下内外前后新老大小路街巷道弄")
_FUZZY_MIN_LEN = 3
_TRAILING_CJK = re.compile(r"[^\x00-\x7f]+$")
_PRIORITY = {ROAD: 0, COMPOUND: 1, AREA: 2}


class NameToken(NamedTuple):
    kind: str  # ROAD, COMPOUND or AREA
    value: tuple[str, ...]  # (road,) / (compound,) / division codes
    text: str


def division_level(code: str) -> int:
    """How many leading digits of a 12-digit division code are significant: province 2, city 4,
    district 6, street 9, community 12; 0 for anything else (not a division)."""
    if len(code) != 12 or not code.isdigit():
        return 0
    for level in (2, 4, 6, 9):
        if code[level:] == "0" * (12 - level):
            return level
    return 12


def _strip_suffix(name: str, suffixes: Iterable[str]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def division_forms(name: str, level: int) -> set[str]:
    """The ways people write a division: 江苏省/江苏, 南京市/南京, 鼓楼区/鼓楼, 宁海路街道(办事处),
    仙霞路社区(居委会)/仙霞路居委会, 中保村村委会/中保村社区. Bare community names (仙霞路) are
    not forms: too many of them are also road or compound names."""
    forms = {name}
    if level in (2, 4, 6):
        forms.add(_strip_suffix(name, ("自治区", "省", "市", "区", "县")))
    elif level == 9:
        forms |= {name + "办事处", name + "办"}
    elif level == 12:
        base = _strip_suffix(name, ("社区居委会", "居委会", "村委会", "社区"))
        if base != name or name.endswith("社区"):
            forms |= {base + "社区", base + "社区居委会", base + "居委会"}
            if name.endswith("村委会"):
                forms.add(base + "村委会")
                if base.endswith("村"):
                    forms.add(base + "委会")
    return {normalise(f) for f in forms if f}


class Gazetteer:
    def __init__(
        self, roads: Iterable[str], compounds: Iterable[str], division_names: Mapping[str, str]
    ) -> None:
        entries: dict[str, tuple[str, set[str]]] = {}

        def add(text: str, kind: str, value: str) -> None:
            if not text:
                return
            old = entries.get(text)
            if old is None or _PRIORITY[kind] < _PRIORITY[old[0]]:
                entries[text] = (kind, {value})
            elif old[0] == kind:
                old[1].add(value)

        self.roads: tuple[str, ...] = tuple(sorted({normalise(r) for r in roads if r}))
        for road in self.roads:
            add(road, ROAD, road)
        for compound in compounds:
            if compound:
                add(normalise(compound), COMPOUND, normalise(compound))
        for code, name in division_names.items():
            level = division_level(code)
            if level and name:
                for form in division_forms(name, level):
                    add(form, AREA, code)
        self._entries = {t: (k, tuple(sorted(v))) for t, (k, v) in entries.items()}
        self._names = _trie_regex(self._entries)

    def scan(self, s: str) -> list[NameToken | str]:
        """Split normalised text into known names (leftmost, longest first) and the raw text
        between them."""
        out: list[NameToken | str] = []
        entries = self._entries
        start = 0
        for m in self._names.finditer(s):
            name = m.group(0)
            if start < m.start():
                out.append(s[start : m.start()])
            kind, value = entries[name]
            out.append(NameToken(kind, value, name))
            start = m.end()
        if start < len(s):
            out.append(s[start:])
        return out

    def fuzzy_road(self, segments: Sequence[str]) -> str | None:
        """The one road within one edit of the text right before a door number, or None when no
        road or more than one is that close.

        `segments` are that text from different starts, shortest first: the unknown text alone,
        then with each known name before it (a typo can leave a name at its start: 江苏莹 for
        江苏路). A road that fits a whole segment wins; failing that, roads that fit the end of
        the unknown text (我家在邑江门街). So 新摸范马路 is 新模范马路, not 二马路 for 范马路.
        The winner's edit may not add, drop or swap a significant character (中山路, 中山南路
        are not 中山北路)."""
        if not segments or (m := _TRAILING_CJK.search(segments[0])) is None:
            return None
        tails = [m.group(0)]
        if len(tails[0]) == len(segments[0]):
            tails += [s for s in segments[1:] if _TRAILING_CJK.fullmatch(s)]
        whole: dict[str, bool] = {}
        end: dict[str, bool] = {}
        for road in self.roads:
            for i, tail in enumerate(tails):
                fit = self._fit(tail, road)
                if fit is None:
                    continue
                if fit[0]:
                    whole[road] = whole.get(road, False) or fit[1]
                elif i == 0:
                    end[road] = end.get(road, False) or fit[1]
        winners = whole or end
        if len(winners) != 1:
            return None
        road, allowed = next(iter(winners.items()))
        return road if allowed else None

    @staticmethod
    def _fit(tail: str, road: str) -> tuple[bool, bool] | None:
        """(fits the whole tail, the edit is allowed) for the best way `road` fits the end of
        `tail` with at most one edit, or None."""
        size = len(road)
        best: tuple[bool, bool] | None = None
        for length in (size, size + 1, size - 1):
            if length < _FUZZY_MIN_LEN or length > len(tail):
                continue
            written = tail[-length:]
            if Levenshtein.distance(written, road, score_cutoff=1) > 1:
                continue
            allowed = True
            for op in Levenshtein.editops(written, road):
                extra = op.tag != "insert" and written[op.src_pos] in _SIGNIFICANT
                lacking = op.tag != "delete" and road[op.dest_pos] in _SIGNIFICANT
                if (extra and lacking) if op.tag == "replace" else (extra or lacking):
                    allowed = False
            fit = (length == len(tail), allowed)
            if best is None or fit > best:
                best = fit
        return best


def _trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regular expression matching any of `words`, built as a trie so that at each position
    it finds the longest word in one pass: 南(?:京(?:市)?|通路). Greedy optional groups try the
    longer words first and fall back to the shorter."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    words_pattern = pattern(trie)
    return re.compile(words_pattern if words_pattern else r"(?!x)x")
