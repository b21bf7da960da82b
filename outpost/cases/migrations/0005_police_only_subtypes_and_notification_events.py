"""Police-only sub-types and inbox messages stored as events.

The 03 治安线索 sub-types become police-only, and their existing cases are raised to police-only
(never lowered). Inbox messages kept their words, case title included; they now keep an event
code and are worded when read: the words of a dispatch or a card are recognised, anything else
becomes "other" (shown as a message about the case, without its title)."""

from django.db import migrations, models

POLICE_ONLY = ("0301", "0302", "0303", "0304")
PREFIXES = (("新派遣：", "dispatched"), ("黄牌预警：", "card_yellow"), ("红牌督办：", "card_red"))


def police_only_subtypes(apps, schema_editor):
    SubType = apps.get_model("cases", "SubType")
    Case = apps.get_model("cases", "Case")
    SubType.objects.filter(code__in=POLICE_ONLY).update(sensitivity="police")
    Case.objects.filter(subtype__code__in=POLICE_ONLY).update(sensitivity="police")


def events_from_words(apps, schema_editor):
    Notification = apps.get_model("cases", "Notification")
    for prefix, event in PREFIXES:
        Notification.objects.filter(text__startswith=prefix).update(event=event)


def words_from_events(apps, schema_editor):
    """Back to stored words, without titles (they are not kept any more)."""
    Notification = apps.get_model("cases", "Notification")
    for prefix, event in PREFIXES:
        for message in Notification.objects.filter(event=event).select_related("case"):
            Notification.objects.filter(pk=message.pk).update(text=prefix + message.case.number)
    for message in Notification.objects.filter(text="").select_related("case"):
        Notification.objects.filter(pk=message.pk).update(text=message.case.number)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_followup_gate"),
    ]

    operations = [
        migrations.AddField(
            model_name="subtype",
            name="sensitivity",
            field=models.CharField(
                choices=[("public", "Public"), ("internal", "Internal"), ("police", "Police only")],
                default="public",
                max_length=8,
                verbose_name="least sensitivity",
            ),
        ),
        migrations.RunPython(police_only_subtypes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="notification",
            name="event",
            field=models.CharField(default="other", max_length=24, verbose_name="event"),
            preserve_default=False,
        ),
        migrations.RunPython(events_from_words, words_from_events),
        # With a default, going back can add the column again to rows that have none.
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(default="", max_length=200, verbose_name="text"),
        ),
        migrations.RemoveField(
            model_name="notification",
            name="text",
        ),
    ]
