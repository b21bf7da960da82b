from django.apps import AppConfig


class OgcConfig(AppConfig):
    name = "outpost.ogc"
    label = "ogc"
    verbose_name = "OGC API – Features"
