from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "outpost.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from outpost.core.menu import register

        register("cases", _("Cases"), "cases:queue", order=40)  # everyone: their own tabs
