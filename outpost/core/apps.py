from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "outpost.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from outpost.core.logs import install

        install()  # every log record carries the request context and arrives redacted
