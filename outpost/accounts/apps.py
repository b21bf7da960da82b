from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from outpost.accounts.models import User


class AccountsConfig(AppConfig):
    name = "outpost.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from outpost.accounts import checks, signals  # noqa: F401  (registers receivers)
        from outpost.accounts.queries import usernames_in
        from outpost.core.menu import register
        from outpost.core.staff import STAFF_NAMES

        # The access log (core) shows an area's auditor what the area's staff did.
        if usernames_in not in STAFF_NAMES:
            STAFF_NAMES.append(usernames_in)
        register("audit", _("Audit"), "audit:log", order=80, shown_to=audits)
        register("users", _("User management"), "accounts:users", order=85, shown_to=manages)


def audits(user: "User") -> bool:
    """The auditors' pages: whoever holds the `audit` action anywhere."""
    from outpost.accounts.scope import scope_for

    return not scope_for(user, "audit").empty


def manages(user: "User") -> bool:
    """The user pages: whoever holds the administrator's role anywhere (what the pages check)."""
    from outpost.accounts.roles import Role
    from outpost.accounts.scope import holds_role

    return holds_role(user, Role.ADMIN)
