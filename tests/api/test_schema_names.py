"""The OpenAPI description names each body and answer by its schema's class name: two schemas of
one name would describe one operation with the other's fields (a phone client built from the
description would then read the wrong shape). Every schema the API uses has a name of its own."""

from collections import defaultdict

from ninja import Schema

import outpost.api  # noqa: F401  (every router, so every schema, is imported)


def _schemas(base: type) -> set[type]:
    found: set[type] = set()
    for sub in base.__subclasses__():
        found |= {sub} | _schemas(sub)
    return found


def test_it_names_every_schema_once() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _schemas(Schema):
        if schema.__module__.startswith("outpost."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    assert {n: sorted(m) for n, m in by_name.items() if len(m) > 1} == {}
    assert len(by_name) > 50  # the walk found the API's schemas
