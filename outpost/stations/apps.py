from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "outpost.stations"
    label = "stations"
    verbose_name = _("Outpost stations")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.stations.queries import sees_stations

        register("stations", _("Outposts"), "stations:list", order=36, shown_to=sees_stations)
