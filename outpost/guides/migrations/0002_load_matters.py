"""The shipped 一网通办 service guides (data/matters.json) and their search terms."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from outpost.guides.catalogue import load as load_matters

    load_matters(apps.get_model("guides", "Matter"), apps.get_model("guides", "MatterTerm"))


class Migration(migrations.Migration):
    dependencies = [("guides", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
