"""Copy the inbox messages kept by cases (cases.Notification) into this app, ids and all, so
links to a message keep working; on PostgreSQL the id sequence then continues after them."""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000


def copy(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = Old.objects.order_by("pk").values_list(
        "pk", "user_id", "case_id", "event", "created_at", "read_at"
    )
    batch = []
    for pk, user_id, case_id, event, created_at, read_at in rows.iterator(chunk_size=BATCH):
        batch.append(
            New(
                pk=pk,
                user_id=user_id,
                subject_kind="case",
                subject_id=case_id,
                event=event,
                created_at=created_at,
                read_at=read_at,
            )
        )
        if len(batch) >= BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("notifications", "Notification")
    kept = New.objects.filter(subject_kind="case").order_by("pk")
    Old.objects.bulk_create(
        [
            Old(
                pk=n.pk,
                user_id=n.user_id,
                case_id=n.subject_id,
                event=n.event,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in kept
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("cases", "0006_followup_spacing"),
    ]

    operations = [migrations.RunPython(copy, copy_back)]
