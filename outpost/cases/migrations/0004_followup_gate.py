"""回访 as a gate: each sub-type says whether a completed case needs the resident's rating (or
how many unanswered follow-up calls stand in for it), and a case counts those calls."""

import json
from pathlib import Path
from typing import Any

from django.db import migrations, models

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"


def followup_from_taxonomy(apps: Any, schema_editor: Any) -> None:
    """Sub-types already loaded take the shipped taxonomy's 回访 rule (the fields are new, so no
    administrator's edit is overwritten)."""
    SubType = apps.get_model("cases", "SubType")
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    for category in data["categories"]:
        for sub in category["subtypes"]:
            SubType.objects.filter(code=sub["code"]).update(
                followup_required=sub.get("followup_required", True),
                followup_attempts=sub.get("followup_attempts", 3),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_webhooksubscription_webhookdelivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="subtype",
            name="followup_required",
            field=models.BooleanField(default=True, verbose_name="follow-up (回访) required"),
        ),
        migrations.AddField(
            model_name="subtype",
            name="followup_attempts",
            field=models.PositiveSmallIntegerField(
                default=3, verbose_name="unanswered follow-up calls"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="followups_failed",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="unanswered follow-up calls"
            ),
        ),
        migrations.RunPython(followup_from_taxonomy, migrations.RunPython.noop),
    ]
