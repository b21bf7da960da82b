from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "outpost.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.knowledge.queries import writes_articles

        register(
            "knowledge", _("Knowledge base"), "knowledge:desk", order=39, shown_to=writes_articles
        )
