"""`outpost audit verify|prune`: check the access log's hash chain; remove rows past retention."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from outpost.core.access import prune_before, verify_chain
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase

# 《网络安全法》第二十一条: network logs are kept for at least six months.
MIN_RETENTION_DAYS = 183


class Command(CommandBase):
    help = "Verify the access log's hash chain, or prune rows older than the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="exit non-zero naming the first row that breaks the chain")
        prune = sub.add_parser("prune", help="remove rows older than the retention period")
        prune.add_argument(
            "--days",
            type=int,
            default=None,
            help="keep this many days (default: OUTPOST_ACCESS_LOG_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("command"):
            if options["action"] == "verify":
                self._verify()
            else:
                self._prune(options["days"])

    def _verify(self) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                _("The access log has been tampered with: %(problem)s")
                % {"problem": report.problem},
                returncode=1,
            )
        self.stdout.write(
            _("The access log is intact: %(n)s rows, the hash chain holds.") % {"n": report.rows}
        )

    def _prune(self, days: int | None) -> None:
        days = settings.OUTPOST_ACCESS_LOG_RETENTION_DAYS if days is None else days
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                _("Keep at least %(n)s days (network logs are kept for six months at least)")
                % {"n": MIN_RETENTION_DAYS},
                returncode=2,
            )
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                _("The access log has been tampered with; nothing removed: %(problem)s")
                % {"problem": report.problem},
                returncode=1,
            )
        cutoff = timezone.now() - dt.timedelta(days=days)
        removed = prune_before(cutoff)
        when = timezone.localtime(cutoff).date().isoformat()
        self.stdout.write(
            _(
                "Removed %(n)s access log rows from before %(when)s; "
                "the rest still verify along the hash chain."
            )
            % {"n": removed, "when": when}
        )
