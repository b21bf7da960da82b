from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "outpost.warnings"
    label = "warnings"
    verbose_name = _("Early warnings")

    def ready(self) -> None:
        from outpost.cases.supervision import AFTER_SWEEP
        from outpost.core.menu import register
        from outpost.notifications import subjects
        from outpost.warnings import notices, services
        from outpost.warnings.queries import may_see
        from outpost.warnings.scan import scan

        subjects.register(services.KIND, notices.worded)
        if scan not in AFTER_SWEEP:  # each round of `outpost cases sweep --loop` scans too
            AFTER_SWEEP.append(scan)
        register("warnings", _("Early warnings"), "warnings:list", order=72, shown_to=may_see)
