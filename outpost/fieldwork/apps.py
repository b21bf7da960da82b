from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "outpost.fieldwork"
    label = "fieldwork"
    verbose_name = _("Field work")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.fieldwork.queries import may_work

        register("fieldwork", _("Field work"), "fieldwork:patrols", order=35, shown_to=may_work)
        # A hazard an inspection found closes only after its re-check passed.
        from outpost.cases.blockers import RECHECK_PENDING
        from outpost.fieldwork.queries import recheck_pending

        if recheck_pending not in RECHECK_PENDING:
            RECHECK_PENDING.append(recheck_pending)
        # The grid page's patrol coverage figure.
        from outpost.areas.panels import register_grid_panel
        from outpost.fieldwork.coverage_map import grid_panel

        register_grid_panel("fieldwork_coverage", grid_panel)
