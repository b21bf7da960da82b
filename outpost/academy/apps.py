from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "outpost.academy"
    label = "academy"
    verbose_name = _("Grid academy")

    def ready(self) -> None:
        from outpost.academy.queries import work_section
        from outpost.core import worklist
        from outpost.core.menu import register

        register("academy", _("Grid academy"), "academy:index", order=45)  # every learner
        worklist.register("academy", work_section, order=60)
