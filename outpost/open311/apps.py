from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "outpost.open311"
    label = "open311"
    verbose_name = _("Open311")

    def ready(self) -> None:
        from outpost.accounts.apps import manages
        from outpost.core.menu import register

        register("open311_keys", _("Open311 API keys"), "open311:keys", order=86, shown_to=manages)
