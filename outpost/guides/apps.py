from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "outpost.guides"
    label = "guides"
    verbose_name = _("Service guides")

    def ready(self) -> None:
        from outpost.core import worklist
        from outpost.core.menu import register
        from outpost.guides.queries import sees_requests, work_section

        register(
            "guides", _("Service requests"), "guides:requests", order=38, shown_to=sees_requests
        )
        worklist.register("services", work_section, order=50)
        # A visit (走访) may open a service request for the visited resident.
        from outpost.fieldwork import service_desk
        from outpost.guides.visits import GuidesDesk

        service_desk.register(GuidesDesk())
