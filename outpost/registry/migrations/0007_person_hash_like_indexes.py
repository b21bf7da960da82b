"""Drop the "_like" (varchar_pattern_ops) twins PostgreSQL's backend makes for indexed CharFields,
on the two keyed hashes of a person. Nothing searches a hash by prefix; each twin was 843 MB at
1/10 江苏 (8.75M people) and one more index every person import writes into at random places.
Django recreates a twin only if a later migration alters the field's index; drop it again then."""

from typing import Any

from django.db import migrations

HASHES = ("id_number_hash", "phone_hash")


def _twins(apps: Any, schema_editor: Any) -> list[tuple[Any, Any, str]]:
    person = apps.get_model("registry", "Person")
    table = person._meta.db_table
    fields = [person._meta.get_field(name) for name in HASHES]
    return [
        (person, f, schema_editor._create_index_name(table, [f.column], suffix="_like"))
        for f in fields
    ]


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # only PostgreSQL makes the twins
    for _model, _field, name in _twins(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field, _name in _twins(apps, schema_editor):
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_address_updated_index")]

    operations = [migrations.RunPython(drop, restore, elidable=False)]
