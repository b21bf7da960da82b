from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "outpost.geo"
    label = "geo"
    verbose_name = _("Areas and boundaries")
