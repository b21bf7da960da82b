"""`outpost cases sweep|deliver|load-taxonomy`: supervision cards, webhook retries and the
shipped taxonomy."""

import datetime as dt
import logging
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from outpost.cases import pending
from outpost.cases.supervision import AFTER_SWEEP, sweep
from outpost.cases.taxonomy import load_taxonomy
from outpost.cases.webhooks import deliver_due
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.core.loops import run_every
from outpost.core.storage import remove_stale_partials
from outpost.registry.jobs import recover_stalled_imports

log = logging.getLogger("outpost.cases")


class Command(CommandBase):
    help = "Run the supervision sweep, or load the case taxonomy."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="issue yellow and red cards (督办)")
        run.add_argument("--now", type=dt.datetime.fromisoformat, help="pretend it is this time")
        run.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="keep sweeping every SECONDS (the background worker)",
        )
        sub.add_parser("deliver", help="send the webhook events that are due")
        sub.add_parser("load-taxonomy", help="create missing categories, sub-types, departments")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("job"):
            if options["action"] == "load-taxonomy":
                self.stdout.write(_("Case types: %(n)s sub-types") % {"n": load_taxonomy()})
                return
            if options["action"] == "deliver":
                self._deliver()
                return
            if not options["loop"]:
                self._sweep(options["now"])
                return
            run_every(options["loop"], lambda: self._round(options["now"]), log)

    def _round(self, now: dt.datetime | None) -> None:
        self._sweep(now)
        self._deliver()  # the worker's loop also retries webhooks that failed
        for periodic in AFTER_SWEEP:  # the higher apps' rounds (early warnings)
            log.info("after sweep %s=%s", periodic.__module__, periodic(now))

    def _sweep(self, now: dt.datetime | None) -> None:
        report = sweep(now)
        pending.purge_all()  # photos kept for a report form that never came back
        remove_stale_partials(Path(settings.MEDIA_ROOT))  # files of writers killed mid-write
        recover_stalled_imports()  # jobs whose background worker died: again, or failed
        # A Counter: a colour not issued this round is 0 when asked, but absent when unpacked.
        yellow, red = report.cards["yellow"], report.cards["red"]
        log.info("sweep yellow=%s red=%s escalated=%s", yellow, red, report.escalated)
        self.stdout.write(
            _("Supervision: %(yellow)s yellow cards, %(red)s red cards, %(escalated)s escalated")
            % {"yellow": yellow, "red": red, "escalated": report.escalated}
        )

    def _deliver(self) -> None:
        sent = deliver_due()
        log.info(
            "webhooks delivered=%s retry=%s failed=%s",
            sent["delivered"],
            sent["retry"],
            sent["failed"],
        )
        self.stdout.write(
            _("Webhooks: %(delivered)s delivered, %(retry)s to retry, %(failed)s given up") % sent
        )
