"""Loading the shipped taxonomy (data/taxonomy.json) and the district's departments."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from outpost.accounts.models import Department
from outpost.cases.models import Category, Sensitivity, SubType

TAXONOMY = Path(__file__).parent / "data" / "taxonomy.json"


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY) -> int:
    """Create or update categories, sub-types and departments; returns the sub-type count.
    Administrators' later edits to limits survive: only missing rows are created."""
    data = json.loads(path.read_text(encoding="utf-8"))
    district = settings.OUTPOST_DISTRICT_CODE
    for dept in data["departments"]:
        Department.objects.get_or_create(
            code=district[:6] + dept["code"],
            defaults={"name": dept["name"], "district_code": district},
        )
    for cat in data["categories"]:
        category, _ = Category.objects.get_or_create(
            code=cat["code"],
            defaults={
                "name": cat["name"],
                "restricted": cat["restricted"],
                "public": cat.get("public", False),
            },
        )
        for sub in cat["subtypes"]:
            SubType.objects.get_or_create(code=sub["code"], defaults=_subtype(sub, category))
    return SubType.objects.count()


def public_subtypes() -> QuerySet[SubType]:
    """The sub-types residents may report (the portal, Open311): active, of a public category,
    not police-only."""
    return (
        SubType.objects.filter(active=True, category__public=True, category__restricted=False)
        .exclude(sensitivity=Sensitivity.POLICE_ONLY)
        .select_related("category")
        .order_by("code")
    )


def _subtype(sub: dict[str, Any], category: Category) -> dict[str, Any]:
    return {
        "name": sub["name"],
        "sensitivity": sub.get("sensitivity", "public"),
        "category": category,
        "default_owner": sub["default_owner"],
        "notify_beat": sub["notify_beat"],
        "needs_verification": sub["needs_verification"],
        "sign_on_hours": sub["sign_on_hours"],
        "handle_limit": sub["handle_limit"],
        "closing_requires": sub["closing_requires"] or "",
        "followup_required": sub.get("followup_required", True),
        "followup_attempts": sub.get("followup_attempts", 3),
    }
