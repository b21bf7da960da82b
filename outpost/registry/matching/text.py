"""Text normalisation, Chinese numerals and the number lexer.

Everything here works on plain strings and is shared by the index (to key the records) and the
parser (to read the queries), so both sides always agree on what "3", "三", "３" and "3栋" are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Traditional characters of the district's names and the address words (號, 樓, 棟 …) read as
# simplified: callers and typists on a traditional input method write 鼓樓區珞珈路2號.
# fmt: off
_TRADITIONAL = (
    "萬万業业東东兩两樂乐雲云倉仓會会倫伦僑侨關关興兴軍军農农涼凉鳳凤勸劝區区華华臺台園园場场"
    "頭头寧宁寶宝壽寿將将爾尔崗岗嵐岚島岛嶺岭師师廣广莊庄廟庙懷怀匯汇漢汉熱热鹽盐線线綠绿"
    "騰腾蘇苏範范營营薩萨藍蓝觀观鄭郑鐘钟銀银長长門门陽阳隨随頌颂頤颐飛飞馬马魯鲁鳴鸣黃黄"
    "龍龙樓楼橋桥灣湾濱滨號号棟栋單单戶户層层邊边對对這这個个裡里裏里縣县張张後后貳二"
)
# fmt: on
# Dashes of every width and style become "-"; "#" (as in 3#楼) reads as 号.
_TRANSLATE = str.maketrans(
    {
        **{c: "-" for c in "‐‑‒–—―−－~～﹣"},
        **dict(zip(_TRADITIONAL[::2], _TRADITIONAL[1::2], strict=True)),
        "#": "号",
        "_": " ",
    }
)
_NON_WORD = re.compile(r"[^\w\-]+")
_SPACES = re.compile(r"\s+")
# A space survives only between two ASCII letters/digits, where it separates numbers.
_LONE_SPACE = re.compile(r" (?=[^0-9a-z])|(?<=[^0-9a-z]) ")
_DASH_SPACE = re.compile(r" ?- ?")

_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "幺": 1, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_SPOKEN_DASH = re.compile(rf"(?<=[\d{_CN_CHARS}]) ?杠 ?(?=[\d{_CN_CHARS}])")

# Markers that give a number its role. Longest first: 号楼 before 号, 单元 before anything.
MARKERS = ("号楼", "号院", "单元", "号", "栋", "幢", "座", "室", "房", "户", "层", "楼")
_MARKER_RE = "|".join(MARKERS)
# Characters a marker ends with: a number right after one of these is not part of a name.
MARKER_END = frozenset("号楼院元栋幢座室房户层")

_CN_RUN = re.compile(rf"第?([{_CN_CHARS}]+)(?=({_MARKER_RE})|[-0-9 ]|$)")
_ORDINAL = re.compile(r"第(?=\d)")
# A number counting something else is no part of the address: 3个人, 50米, 8点, 2023年.
_COUNTED = "个人岁点分辆名位米元块只次年月日天"
_NUM = re.compile(rf"(\d+(?:-\d+)*|[a-z](?=栋|幢|座|号楼))(?:({_MARKER_RE})|(?![\d{_COUNTED}]))")

# Words that locate "around" an address and carry no part of it.
# fmt: off
NOISE_WORDS = (
    "斜对面", "正对面", "对面", "附近", "旁边", "隔壁", "周边", "周围", "一带", "边上",
    "门口", "那边", "这边", "左右", "里面", "之间", "这块", "那块", "这里", "那里", "的",
)
# fmt: on
# 楼下 "downstairs" after a door or building (2号楼下, 3栋楼下), not after a floor (3楼下面).
_DOWNSTAIRS = rf"(?<![\d{_CN_CHARS}])楼底?下"
# Spoken words around the numbers (就是丁家桥32号啊; 清江路上，93号; 青岛路那个3号): a particle
# and 上 only right before a number (or at the end), so a typo of a name holding one (上诲路)
# keeps it.
_SPOKEN = rf"就是|那个|[啊呀嘛哈呢](?=[\d{_CN_CHARS} ]|$)|^上(?=[\d{_CN_CHARS}])"
# A floor said after the room (…602，六楼): the room already says it.
_FLOOR_AFTER_ROOM = rf"(?<=\d\d\d)(?:室)?(?:[{_CN_CHARS}]{{1,3}}|\d{{1,2}})(?:楼|层)$"
_NOISE = re.compile("|".join((_DOWNSTAIRS, _SPOKEN, _FLOOR_AFTER_ROOM, *NOISE_WORDS)))


def normalise(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation), lower case, traditional characters to
    simplified, punctuation to spaces, 杠 between numbers to "-" (2杠1杠102, as a dash is said),
    and no spaces left except between two numbers ("164 1" stays, "164 号" becomes "164号")."""
    s = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLATE)
    if "杠" in s:
        s = _SPOKEN_DASH.sub("-", s)
    s = _NON_WORD.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    s = _DASH_SPACE.sub("-", s)
    return _LONE_SPACE.sub("", s)


def cn_to_int(run: str) -> int | None:
    """一百零七 → 107, 十五 → 15, 四零一 → 401 (digit by digit when there is no 十/百/千)."""
    if not any(ch in _CN_UNITS for ch in run):
        digits = [_CN_DIGITS.get(ch) for ch in run]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    total = current = 0
    last_unit = 10_000
    for ch in run:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:  # 十百: not a number
                return None
            total += (current or 1) * unit
            current = 0
            last_unit = unit
    return total + current


def _cn_sub(m: re.Match[str]) -> str:
    """Replace a run of Chinese numerals by digits when it reads as a number of the address: it
    is followed by a marker (三栋, 一百零七号), or it stands alone (after a marker or a number)."""
    s = m.string
    start = m.start()
    if m.group(2) is None and start > 0:
        before = s[start - 1]
        if before not in MARKER_END and not before.isascii():
            return m.group(0)
    value = cn_to_int(m.group(1))
    return m.group(0) if value is None else str(value)


def convert_numerals(raw: str) -> str:
    """Chinese numerals → digits in text that is not a known name (names are taken out first)."""
    if any(ch in _CN_CHARS for ch in raw):
        raw = _CN_RUN.sub(_cn_sub, raw)
    return _ORDINAL.sub("", raw) if "第" in raw else raw


def strip_noise(raw: str) -> str:
    return _NOISE.sub("", raw)


def number_key(value: str) -> str:
    """'0101' → '101', '2-01' → '2-1', 'a' → 'a': the form numbers are compared in."""
    if value.isdigit():
        return value.lstrip("0") or "0"
    return "-".join(
        part.lstrip("0") or "0" if part.isdigit() else part for part in value.split("-")
    )


_FIELD_SUFFIX = re.compile(rf"({_MARKER_RE})$")


def field_key(value: str) -> str:
    """The key of a record field: '2号' → '2', '1栋' → '1', '1单元' → '1', '101室' → '101'."""
    s = convert_numerals(normalise(value))
    s = _FIELD_SUFFIX.sub("", s)
    return number_key(s) if s else ""


class NumberToken(NamedTuple):
    value: str  # digits, digits-digits..., or a single letter (A座)
    marker: str  # one of MARKERS or ""


class TextToken(NamedTuple):
    text: str


def lex(raw: str) -> list[NumberToken | TextToken]:
    """Split leftover text (no known names in it) into numbers with their markers and the text
    between them. Text that is only spaces or dashes is dropped."""
    raw = convert_numerals(strip_noise(raw))
    out: list[NumberToken | TextToken] = []
    pos = 0
    for m in _NUM.finditer(raw):
        between = raw[pos : m.start()].strip(" -")
        if between:
            out.append(TextToken(between))
        out.append(NumberToken(m.group(1), m.group(2) or ""))
        pos = m.end()
    tail = raw[pos:].strip(" -")
    if tail:
        out.append(TextToken(tail))
    return out
