"""`outpost users add USERNAME --role ROLE --scope CODE [--password-stdin]`: an account from the
command line (the first administrator of a deployment, or scripted set-up); `outpost users
reset-2fa USERNAME` for a lost phone. Run by whoever runs the server, so not limited by
delegation; audited as done from the command line."""

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import create_user, grant_role
from outpost.accounts.signin import reset_second_factor
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase


class Command(CommandBase):
    help = "Add a user with a role over an area or department."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a user, or grant one more role to one")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[r.value for r in Role])
        add.add_argument(
            "--scope", required=True, help="grid, division, beat, unit or department code"
        )
        add.add_argument("--name", default="", help="display name")
        add.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        reset = sub.add_parser("reset-2fa", help="remove a user's authenticator (lost phone)")
        reset.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset-2fa":
            self._reset(options["username"])
            return
        with request_context("command"):
            try:
                user, created = self._add(options)
            except ValidationError as error:
                raise CommandError(_("; ").join(error.messages)) from None
        done = _("Created user %(user)s: %(role)s @ %(scope)s") if created else None
        done = done or _("Existing user %(user)s: %(role)s @ %(scope)s")
        role = Role(options["role"]).label
        self.stdout.write(done % {"user": user.username, "role": role, "scope": options["scope"]})

    @transaction.atomic
    def _add(self, options: dict[str, Any]) -> tuple[User, bool]:
        user = User.objects.filter(username=options["username"]).first()
        created = user is None
        if user is None:
            password = self._password(options)
            validate_password(password, User(username=options["username"]))
            user = create_user(
                options["username"], password, display_name=options["name"], actor=None
            )
        grant_role(user, options["role"], options["scope"], actor=None)
        return user, created

    def _reset(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No such user: %(user)s") % {"user": username})
        with request_context("command"):
            reset_second_factor(user, actor=None)
        self.stdout.write(
            _("Removed %(user)s's authenticator; they set up a new one at their next sign-in")
            % {"user": username}
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(_("Password: "))
        if not password:
            raise CommandError(_("The password must not be empty"))
        return password
