"""110 call ids are kept per importer's namespace (the station, a civil area, the command line),
so ids registered by one cannot take the calls of another."""

import hashlib
from typing import Any

from django.db import migrations, models

# The roles that may dispatch (and so divert calls) when this migration was written.
DISPATCHING = ("street_commander", "duty_officer", "grid_leader")


def namespace_of_importers(apps: Any, schema_editor: Any) -> None:
    """Calls stored before go to their importer's namespace, worked out as
    `services.call_namespace` does; those of the command line stay in ""."""
    Call = apps.get_model("calls", "Call")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    User = apps.get_model("accounts", "User")
    importers = Call.objects.exclude(imported_by=None).values_list("imported_by", flat=True)
    for user_id in set(importers):
        if User.objects.filter(pk=user_id, is_superuser=True).exists():
            continue
        rows = RoleAssignment.objects.filter(user_id=user_id, role__in=DISPATCHING)
        police = sorted({r.police_prefix for r in rows if r.police_prefix})
        civil = sorted({r.civil_prefix for r in rows if r.civil_prefix})
        departments = sorted({r.scope_code for r in rows if r.scope_kind == "department"})
        key = ",".join((*police, *civil, *departments))
        key = key if len(key) <= 64 else hashlib.sha256(key.encode()).hexdigest()
        Call.objects.filter(imported_by_id=user_id).update(namespace=key)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("accounts", "0004_break_glass_totp_lockout"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="namespace",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="imported for"
            ),
        ),
        migrations.AlterField(
            model_name="call",
            name="call_id",
            field=models.CharField(db_index=True, max_length=40, verbose_name="call id"),
        ),
        migrations.AddConstraint(
            model_name="call",
            constraint=models.UniqueConstraint(
                fields=("namespace", "call_id"), name="calls_call_once_per_namespace"
            ),
        ),
        migrations.RunPython(namespace_of_importers, migrations.RunPython.noop),
    ]
