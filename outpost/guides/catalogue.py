"""The shipped catalogue of matters (data/matters.json), loaded by a data migration and by the
demo; a matter already stored (by code) is left as staff edited it."""

import json
from pathlib import Path
from typing import Any

from outpost.guides.search import index_matter

DATA = Path(__file__).parent / "data" / "matters.json"
FIELDS = (
    "title",
    "keywords",
    "summary",
    "eligibility",
    "place",
    "fees",
    "time_limit",
    "time_limit_days",
    "department",
    "police",
)


def read() -> list[dict[str, Any]]:
    return list(json.loads(DATA.read_text(encoding="utf-8"))["matters"])


def load(matter_model: Any, term_model: Any, data: list[dict[str, Any]] | None = None) -> int:
    """Store the shipped matters not stored yet (models passed in, so a migration can run it
    with its historical models) and index them; returns how many were added."""
    added = 0
    for spec in data if data is not None else read():
        if matter_model.objects.filter(code=spec["code"]).exists():
            continue
        fields = {name: spec[name] for name in FIELDS}
        fields["documents"] = "\n".join(spec["documents"])
        matter = matter_model.objects.create(code=spec["code"], published=True, **fields)
        index_matter(matter, term_model)
        added += 1
    return added
