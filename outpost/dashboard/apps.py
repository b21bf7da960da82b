from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "outpost.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.dashboard.queries import may_view

        register("dashboard", _("Dashboards"), "dashboard:index", order=65, shown_to=may_view)
