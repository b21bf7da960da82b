"""`outpost warnings scan [--now] [--loop SECONDS]`: run the early-warning rules."""

import datetime as dt
import logging
from argparse import ArgumentParser
from typing import Any

from django.utils.translation import gettext as _

from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.core.loops import run_every
from outpost.warnings.scan import scan

log = logging.getLogger("outpost.warnings")


class Command(CommandBase):
    help = "Run the early-warning rules (预警) and raise what they find."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("scan", help="raise the warnings the rules find")
        run.add_argument("--now", type=dt.datetime.fromisoformat, help="pretend it is this time")
        run.add_argument("--loop", type=int, metavar="SECONDS", help="scan every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("job"):
            if options["loop"]:
                run_every(options["loop"], lambda: self._scan(options["now"]), log)
            else:
                self._scan(options["now"])

    def _scan(self, now: dt.datetime | None) -> None:
        raised = scan(now)
        log.info("warnings raised=%s", raised)
        self.stdout.write(_("Early warnings raised: %(n)s") % {"n": sum(raised.values())})
        for code, n in raised.items():
            self.stdout.write(f"  {code}: {n}")
