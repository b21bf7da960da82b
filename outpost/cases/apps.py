from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "outpost.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from outpost.cases import notices
        from outpost.core.menu import register
        from outpost.notifications import subjects

        register("cases", _("Cases"), "cases:queue", order=40)  # everyone: their own tabs
        subjects.register(notices.KIND, notices.worded)
