"""`outpost deploy render`: nginx's site file and the systemd units for this installation, with
the app's own limits and paths (docs/deploy.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from outpost.core.deploy.render import Site, render
from outpost.core.i18n import CommandBase


class Command(CommandBase):
    help = "Write nginx's site file and the systemd units for this installation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("render", help="write the files into a folder")
        out.add_argument("--to", type=Path, required=True)
        out.add_argument("--server-name", required=True)
        out.add_argument("--certificate", type=Path, required=True)
        out.add_argument("--certificate-key", type=Path, required=True)
        out.add_argument("--http-port", type=int, default=80)
        out.add_argument("--https-port", type=int, default=443)
        out.add_argument("--upstream", action="append", help="gunicorn's address (repeatable)")
        out.add_argument("--user", default="outpost")
        out.add_argument("--env-file", type=Path, default=Path("/etc/outpost/outpost.env"))
        out.add_argument("--backup-dir", type=Path, default=Path("/var/backups/outpost"))

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site(
            server_name=options["server_name"],
            certificate=options["certificate"],
            certificate_key=options["certificate_key"],
            http_port=options["http_port"],
            https_port=options["https_port"],
            upstreams=options["upstream"] or ["127.0.0.1:8001"],
            user=options["user"],
            env_file=options["env_file"],
            backup_dir=options["backup_dir"],
        )
        for path in render(site, options["to"]):
            self.stdout.write(_("Wrote %(path)s") % {"path": path})
