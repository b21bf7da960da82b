from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "outpost.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from outpost.core.citus import after_migrate
        from outpost.core.logs import install

        install()  # every log record carries the request context and arrives redacted
        # On a Citus coordinator the district's schema becomes a distributed schema.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="outpost.core.citus")
