from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "outpost.notifications"
    label = "notifications"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from outpost.notifications import registry_edits, subjects
        from outpost.registry import edits

        subjects.register(registry_edits.KIND, registry_edits.worded)
        if registry_edits.tell_collector not in edits.RETURN_HOOKS:
            edits.RETURN_HOOKS.append(registry_edits.tell_collector)
