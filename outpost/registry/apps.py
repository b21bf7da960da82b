from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "outpost.registry"
    label = "registry"
    verbose_name = _("Registry (一标三实)")

    def ready(self) -> None:
        from outpost.registry import signals  # noqa: F401  (connects the boundary hook)
