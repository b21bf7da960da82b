"""`outpost backup create|check|restore`: back the database up without its keys, check a backup,
restore it into a new database (docs/backups.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.core import backups
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase


class Command(CommandBase):
    help = "Back the database up (keys kept apart), check a backup, or restore one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="write a dump and its manifest")
        create.add_argument("--to", type=Path, default=None, help="folder (default var/backups)")
        check = sub.add_parser("check", help="check a backup is whole and the keys here fit it")
        check.add_argument("manifest", type=Path)
        restore = sub.add_parser("restore", help="restore into a new, empty database")
        restore.add_argument("manifest", type=Path)
        restore.add_argument("--into", required=True, help="the new database's URL")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with request_context("command"):
                getattr(self, f"_{options['action']}")(options)
        except backups.BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc

    def _create(self, options: dict[str, Any]) -> None:
        folder = options["to"] or Path(settings.VAR_DIR) / "backups"
        manifest = backups.create_backup(folder)
        rows = sum(backups.Manifest.read(manifest).counts.values())
        self.stdout.write(
            _(
                "Backed up %(rows)s rows to %(path)s. The keys are not in it: keep "
                "OUTPOST_FIELD_KEY and OUTPOST_SECRET_KEY apart, as docs/backups.md says."
            )
            % {"rows": rows, "path": manifest}
        )

    def _check(self, options: dict[str, Any]) -> None:
        manifest, _dump = backups.read_backup(options["manifest"])
        problems = backups.check_keys(manifest)
        if problems:
            raise backups.BackupError(problems[0])
        self._warn_secret(manifest)
        self.stdout.write(
            _("The backup is whole (%(tables)s tables) and the field key here fits it.")
            % {"tables": len(manifest.counts)}
        )

    def _restore(self, options: dict[str, Any]) -> None:
        manifest = backups.Manifest.read(options["manifest"])
        done = backups.restore_backup(options["manifest"], options["into"])
        self._warn_secret(manifest)
        self.stdout.write(
            _(
                "Restored %(rows)s rows in %(tables)s tables; every table's count matches the "
                "backup. Next: `outpost audit verify` against the new database."
            )
            % {"rows": done.rows, "tables": done.tables}
        )

    def _warn_secret(self, manifest: backups.Manifest) -> None:
        if backups.secret_key_differs(manifest):
            self.stderr.write(
                _(
                    "The secret key here is not the one the backup was made under: everyone "
                    "will have to sign in again (no data is lost)."
                )
            )
