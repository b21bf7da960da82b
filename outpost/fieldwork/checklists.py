"""Inspection checklists as data (data/checklists.json), versioned: loading a list whose items
changed adds a new version; an inspection keeps the version it used. The departments that take
part in joint inspections (公安、消防、应急、市场监管) are created with them when missing."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data" / "checklists.json"


def read() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load(checklist_model: Any, department_model: Any, data: dict[str, Any] | None = None) -> int:
    """Store the shipped lists (models passed in, so a migration can run it with its historical
    models); returns how many versions were added."""
    data = data or read()
    district = settings.OUTPOST_DISTRICT_CODE
    for dept in data["departments"]:
        department_model.objects.get_or_create(
            code=dept["code"], defaults={"name": dept["name"], "district_code": district}
        )
    return sum(_add_version(checklist_model, spec) for spec in data["checklists"])


def _add_version(model: Any, spec: dict[str, Any]) -> int:
    latest = model.objects.filter(code=spec["code"]).order_by("-version").first()
    fields = {k: spec[k] for k in ("name", "subject", "unit_types", "subtype", "items")}
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return 0
    model.objects.create(code=spec["code"], version=(latest.version + 1 if latest else 1), **fields)
    return 1
