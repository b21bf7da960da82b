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
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import create_user, grant_role
from outpost.accounts.signin import reset_second_factor
from outpost.core.context import request_context


class Command(BaseCommand):
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
                raise CommandError("；".join(error.messages)) from None
        verb = "新建" if created else "已有"
        self.stdout.write(
            f"{verb}用户 {user.username}：{Role(options['role']).label} @ {options['scope']}"
        )

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
            raise CommandError(f"用户不存在：{username}")
        with request_context("command"):
            reset_second_factor(user, actor=None)
        self.stdout.write(f"已清除 {username} 的验证器；下次登录时重新绑定")

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码：")
        if not password:
            raise CommandError("密码不能为空")
        return password
