from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "outpost.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from outpost.accounts import checks, signals  # noqa: F401  (registers receivers)
        from outpost.accounts.queries import usernames_in
        from outpost.core.staff import STAFF_NAMES

        # The access log (core) shows an area's auditor what the area's staff did.
        if usernames_in not in STAFF_NAMES:
            STAFF_NAMES.append(usernames_in)
