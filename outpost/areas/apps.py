from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "outpost.areas"
    label = "areas"
    verbose_name = _("Areas")

    def ready(self) -> None:
        from outpost.core.menu import register

        # Every signed-in user sees the areas their own scope holds (none for some).
        register("areas", _("Areas"), "geo:index", order=10)
        register("map", _("Map"), "geo:map", order=20)
