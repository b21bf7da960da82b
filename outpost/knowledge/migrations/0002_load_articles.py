"""The shipped articles for 南京市鼓楼区 (data/articles.json), published, and their search
terms."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from outpost.knowledge.catalogue import load as load_articles

    load_articles(
        apps.get_model("knowledge", "Article"),
        apps.get_model("knowledge", "ArticleVersion"),
        apps.get_model("knowledge", "ArticleTerm"),
    )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
