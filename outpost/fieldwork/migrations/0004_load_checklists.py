"""The shipped inspection checklists (data/checklists.json) and the joint-inspection departments."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from outpost.fieldwork.checklists import load as load_checklists

    load_checklists(apps.get_model("fieldwork", "Checklist"), apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0003_inspections")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
