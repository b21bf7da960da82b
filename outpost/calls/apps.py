from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "outpost.calls"
    label = "calls"
    verbose_name = _("110 calls")

    def ready(self) -> None:
        from outpost.calls.queries import may_divert
        from outpost.core.menu import register

        register("calls", _("110 diversion"), "calls:desk", order=70, shown_to=may_divert)
