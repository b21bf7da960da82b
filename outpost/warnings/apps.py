from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "outpost.warnings"
    label = "warnings"
    verbose_name = _("Early warnings")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.notifications import subjects
        from outpost.warnings import notices, services
        from outpost.warnings.queries import may_see

        subjects.register(services.KIND, notices.worded)
        register("warnings", _("Early warnings"), "warnings:list", order=72, shown_to=may_see)
