"""The API's OpenAPI document names each body and answer by its class name alone: two classes
of one name in different apps would silently share one schema, and one of them would be
documented wrongly (a client generated from it breaks). So every API class name is unique."""

import re
from collections import Counter
from pathlib import Path

OUTPOST = Path(__file__).resolve().parents[2] / "outpost"
SCHEMA_CLASS = re.compile(r"^class (\w+)\((?:\w+\.)?(?:Schema|ModelSchema)\b", re.M)


def test_it_gives_every_api_schema_class_its_own_name() -> None:
    names = Counter(
        name
        for path in OUTPOST.rglob("*.py")
        for name in SCHEMA_CLASS.findall(path.read_text(encoding="utf-8"))
    )
    assert len(names) > 50  # the scan finds the API's classes
    assert sorted(n for n, count in names.items() if count > 1) == []
