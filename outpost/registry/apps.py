from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "outpost.registry"
    label = "registry"
    verbose_name = _("Registry (一标三实)")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.registry import signals  # noqa: F401  (connects the boundary hook)
        from outpost.registry.queries import may_see

        register("registry", _("Registry"), "registry:people", order=30, shown_to=may_see)
