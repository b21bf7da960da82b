from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "outpost.portal"
    label = "portal"
    verbose_name = _("Residents' portal")

    def ready(self) -> None:
        from outpost.cases.notices import case_stepped
        from outpost.portal.services import tell_residents

        case_stepped.connect(tell_residents, dispatch_uid="portal.tell_residents")
