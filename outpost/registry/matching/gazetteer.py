"""The district's own names (roads, compounds, communities, streets, and the regions above them),
found in normalised text by a leftmost-longest scan, and the one fuzzy step: a road name with one
typo."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

from pypinyin import Style, pinyin
from rapidfuzz.distance import Levenshtein

from .text import normalise

ROAD = "road"
COMPOUND = "compound"
AREA = "area"  # a division (province … community): value = the codes it may stand for

# Characters whose change turns one road into another (中山路/中山北路/中山南路, 马路/大马路,
# 热河路/热河街): a typo may not add or drop one of them, nor swap one for another (南 → 北);
# swapping one for an ordinary character (热河男路) is a typo like any other.
_SIGNIFICANT = frozenset("东南西北中上下内外前后新老大小路街巷道弄")
_COMPOUND_SIGNIFICANT = _SIGNIFICANT | frozenset("花园家苑区公寓村院")
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
        self.compounds: tuple[str, ...] = tuple(sorted({normalise(c) for c in compounds if c}))
        for compound in self.compounds:
            add(compound, COMPOUND, compound)
        for code, name in division_names.items():
            level = division_level(code)
            if level and name:
                for form in division_forms(name, level):
                    add(form, AREA, code)
        self._fuzzy_roads = _FuzzyNames(self.roads, _SIGNIFICANT)
        self._fuzzy_compounds = _FuzzyNames(self.compounds, _COMPOUND_SIGNIFICANT)
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
        江苏路). A road that fits a whole segment wins; failing that, the roads that fit the
        longest end of the unknown text (我家在邑江门街; 大乔南路 is 大桥南路, not 湖南路 for
        乔南路). So 新摸范马路 is 新模范马路, not 二马路 for 范马路. The winner's edit may not
        add, drop or swap a significant character (中山路, 中山南路 are not 中山北路). Of several
        roads equally close, the one whose changed character sounds alike wins (宁厦路 is 宁夏路,
        not 宁海路); none or several that do: None."""
        return self._fuzzy_roads.find(segments)

    def fuzzy_compound(self, segments: Sequence[str]) -> str | None:
        """The one compound within one edit of unknown text before a building (胡南公寓 for
        湖南公寓), on the same terms as a road; the compound words (花园, 家园, 苑 …) count as
        significant: 宁海花苑 is not 宁海花园."""
        return self._fuzzy_compounds.find(segments)


class _FuzzyNames:
    """Names that fit the end of a text with one edit. An index of their characters narrows the
    names tried: one that fits has all its distinct characters but one among the last few of
    the text."""

    def __init__(self, names: Iterable[str], significant: frozenset[str]) -> None:
        self.names = tuple(names)
        self.significant = significant
        self._by_char: dict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(self.names):
            for ch in set(name):
                self._by_char[ch].append(i)
        self._needed = [len(set(name)) - 1 for name in self.names]
        self._reach = max((len(name) for name in self.names), default=0) + 1

    def _near(self, text: str) -> list[str]:
        hits: Counter[int] = Counter()
        for ch in set(text[-self._reach :]):
            hits.update(self._by_char.get(ch, ()))
        return [self.names[i] for i, k in hits.items() if k >= self._needed[i]]

    def find(self, segments: Sequence[str]) -> str | None:
        """See Gazetteer.fuzzy_road."""
        if not segments or (m := _TRAILING_CJK.search(segments[0])) is None:
            return None
        tails = [m.group(0)]
        if len(tails[0]) == len(segments[0]):
            tails += [s for s in segments[1:] if _TRAILING_CJK.fullmatch(s)]
        whole: dict[str, bool] = {}
        end: dict[str, tuple[int, bool]] = {}
        for name in self._near(tails[-1]):
            for i, tail in enumerate(tails):
                fit = _fit(tail, name, self.significant)
                if fit is None:
                    continue
                if fit[0] == len(tail):
                    whole[name] = whole.get(name, False) or fit[1]
                elif i == 0:
                    end[name] = max(end.get(name, (0, False)), fit)
        if not whole and end:
            longest = max(length for length, _ in end.values())
            whole = {name: ok for name, (length, ok) in end.items() if length == longest}
        if len(whole) > 1:
            # Callers' typos are mostly of sound (voice input, 宁厦路 for 宁夏路, not 宁海路): of
            # several names one edit away, the only one whose changed character sounds alike.
            alike = {n: ok for n, ok in whole.items() if any(_homophone(t, n) for t in tails)}
            whole = alike if len(alike) == 1 else whole
        if len(whole) != 1:
            return None
        name, allowed = next(iter(whole.items()))
        return name if allowed else None


def _fit(tail: str, name: str, significant: frozenset[str]) -> tuple[int, bool] | None:
    """(how much of the end of `tail` it takes, the edit is allowed) for the best way `name`
    fits the end of `tail` with at most one edit, or None."""
    size = len(name)
    best: tuple[int, bool] | None = None
    for length in (size, size + 1, size - 1):
        if length < _FUZZY_MIN_LEN or length > len(tail):
            continue
        written = tail[-length:]
        if Levenshtein.distance(written, name, score_cutoff=1) > 1:
            continue
        allowed = True
        for op in Levenshtein.editops(written, name):
            extra = op.tag != "insert" and written[op.src_pos] in significant
            lacking = op.tag != "delete" and name[op.dest_pos] in significant
            if (extra and lacking) if op.tag == "replace" else (extra or lacking):
                allowed = False
        fit = (length, allowed)
        if best is None or _rank(fit, tail) > _rank(best, tail):
            best = fit
    return best


def _homophone(tail: str, name: str) -> bool:
    """Whether the end of `tail` is `name` with one character replaced by one that sounds alike."""
    written = tail[-len(name) :]
    diffs = [(a, b) for a, b in zip(written, name, strict=False) if a != b]
    return len(written) == len(name) and len(diffs) == 1 and _sounds_alike(*diffs[0])


@cache
def _sounds(ch: str) -> frozenset[str]:
    """A character's readings without tones, with the Nanjing mergers (n/l, -n/-ng) folded."""
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    folded = set()
    for reading in readings[0] if readings else ():
        r = "n" + reading[1:] if reading.startswith("l") else reading
        folded.add(r[:-1] if r.endswith("ng") else r)
    return frozenset(folded)


def _sounds_alike(a: str, b: str) -> bool:
    return bool(_sounds(a) & _sounds(b))


def _rank(fit: tuple[int, bool], tail: str) -> tuple[bool, bool, int]:
    return fit[0] == len(tail), fit[1], fit[0]


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
