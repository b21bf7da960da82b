"""Anonymised copies of closed cases for teaching (案例教学).

`strip_personal(text, names, addresses)` removes from free text what could identify someone:

- ID numbers (18 or 15 characters, whatever their check digit) → 【身份证号】;
- phone numbers (mobiles, landlines with or without area code) → 【电话】, and any other long run
  of digits or of an earlier mask's stars (139****5678) → 【号码】;
- the names it is given (reporter, parties, staff on the case) → the surname and 某 (张某);
  names after 姓名/叫/名为 are caught too;
- exact addresses: the case's own address texts given → the road; any house, building, unit,
  floor or room number (83号, 2栋, 1单元, 3楼, 102室) → removed, so the road name stays.

The copy is made once, when an editor chooses the case (`services.add_case_lesson`); nothing
links the lesson back to the case, and the reporter is never copied.
"""

import re
from collections.abc import Iterable

ID_LABEL, PHONE_LABEL, NUMBER_LABEL = "【身份证号】", "【电话】", "【号码】"

_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_ID_NUMBER = re.compile(_EDGE_BEFORE + r"(?:\d{17}[0-9Xx]|\d{15})" + _EDGE_AFTER)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}[\s-]?)?[2-9]\d{6,7}(?!\d)")
_LONG_RUN = re.compile(r"[0-9Xx*]*\d[0-9Xx*]*")
_LONG_MIN = 7
# A number of a door, building, unit, floor or room, in digits or Chinese numerals.
_DIGITS = r"[0-9０-９A-Za-z]+(?:[-－][0-9０-９A-Za-z]+)*"
_DOOR = re.compile(
    _DIGITS
    + r"\s*(?:号楼|号院|号|栋|幢|座|单元|层|楼|室)"
    + r"|[一二三四五六七八九十百零〇]+(?:号楼|号院|栋|幢|单元|室)"
)
_NAMED = re.compile(r"(姓名[:：]?\s*|名叫|名为|叫做)([\u4e00-\u9fff·]{2,3})")


def mask_name(name: str) -> str:
    """张三丰 → 张某 (two-character surnames such as 欧阳 keep both characters)."""
    name = name.strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "某"


_COMPOUND = "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒夏侯令狐轩辕端木"
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))


def strip_personal(
    text: str, names: Iterable[str] = (), addresses: Iterable[tuple[str, str]] = ()
) -> str:
    """The text without ID numbers, phone numbers, the names given or exact addresses.

    `addresses` are (exact text, what to show instead) pairs, e.g. the case address's full
    text and its road."""
    found = _ID_NUMBER.sub(ID_LABEL, text)
    found = _MOBILE.sub(PHONE_LABEL, found)
    found = _LANDLINE.sub(PHONE_LABEL, found)
    found = _LONG_RUN.sub(_long_run, found)
    for exact, shown in sorted(addresses, key=lambda a: -len(a[0])):
        if exact.strip():
            found = found.replace(exact.strip(), shown)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        found = found.replace(name, mask_name(name))
    found = _NAMED.sub(lambda m: m.group(1) + mask_name(m.group(2)), found)
    return _DOOR.sub("", found)


def _long_run(match: re.Match[str]) -> str:
    run = match.group()
    return NUMBER_LABEL if len(run) >= _LONG_MIN else run
