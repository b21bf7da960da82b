"""Stored ID masks show the last 2 characters only (README, "Privacy"): "320106********0087"
becomes "****************87". The new mask is cut from the old one, so no key is needed."""

from typing import Any

from django.db import migrations

MASK = "*"


def _reduced(masked: str) -> str:
    """The rule of `outpost.core.masking.mask_id_number`, frozen here as migrations must be."""
    n = len(masked)
    shown = 2 if n >= 10 else 0
    return MASK * (n - shown) + (masked[n - shown :] if shown else "")


def reduce_masks(apps: Any, schema_editor: Any) -> None:
    person = apps.get_model("registry", "Person")
    changed = []
    for pk, masked in person.objects.values_list("pk", "id_number_masked").iterator(2000):
        if _reduced(masked) != masked:
            changed.append(person(pk=pk, id_number_masked=_reduced(masked)))
        if len(changed) >= 2000:
            person.objects.bulk_update(changed, ["id_number_masked"])
            changed = []
    person.objects.bulk_update(changed, ["id_number_masked"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    # Backwards leaves the shorter masks: the longer ones cannot be rebuilt without the key.
    operations = [migrations.RunPython(reduce_masks, migrations.RunPython.noop)]
