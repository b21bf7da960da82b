"""`outpost calls divert IN.csv OUT.csv`: 110 non-police diversion from a file.
`outpost calls retrain [--unseen PATH] [--loop SECONDS]`: train a candidate call model on the
sample, the descriptions and the operators' corrections, report its scores and adopt it only if
it diverts no police call and scores no worse (`calls.learning`); with --loop, again every
SECONDS (the scheduled job, beside `outpost cases sweep --loop`)."""

import logging
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.calls.intake import read_calls
from outpost.calls.learning import current_model, retrain
from outpost.calls.models import CallModel
from outpost.calls.outcomes import summarise, write_outcomes
from outpost.calls.services import divert_calls
from outpost.calls.training import UNSEEN
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.core.loops import run_every
from outpost.registry.tabular import TableError

log = logging.getLogger("outpost.calls")


class Command(CommandBase):
    help = "Divert non-police 110 calls to cases, or keep them with the police; retrain the model."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        divert = sub.add_parser("divert", help="classify calls, open cases for diverted ones")
        divert.add_argument("input", type=Path, help="CSV (UTF-8 or GBK) or xlsx of 110 calls")
        divert.add_argument(
            "output", type=Path, help="call_id,decision,subtype,addr_id,grid_code,reason"
        )
        again = sub.add_parser("retrain", help="train a candidate model; adopt it if no worse")
        again.add_argument(
            "--unseen", type=Path, default=UNSEEN, help="labelled calls never trained on"
        )
        again.add_argument(
            "--loop", type=int, metavar="SECONDS", help="retrain every SECONDS (the scheduled job)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "retrain":
            with request_context("job"):
                if options["loop"]:
                    run_every(options["loop"], lambda: self._retrain(options["unseen"]), log)
                else:
                    self._retrain(options["unseen"])
            return
        source: Path = options["input"]
        if not source.exists():
            raise CommandError(_("File does not exist: %(path)s") % {"path": source})
        with request_context("command"):
            try:
                rows = read_calls(source.read_bytes(), source.name)
            except TableError as error:
                raise CommandError(
                    _("%(where)s: %(problem)s") % {"where": source, "problem": error}
                ) from None
            outcomes = divert_calls(rows)
        options["output"].write_text(write_outcomes(outcomes), encoding="utf-8")
        for line in summarise(outcomes).lines():
            self.stdout.write(line)
        bad = [o for o in outcomes if o.error]
        for outcome in bad:
            self.stderr.write(outcome.explained_reason)
        if bad:
            raise CommandError(
                _(
                    "%(n)s rows have errors and were not handled (left with the police); "
                    "the other rows were handled"
                )
                % {"n": len(bad)}
            )

    def _retrain(self, unseen: Path) -> CallModel | None:
        model = retrain(unseen=unseen)
        if model is None:
            stays = {"version": current_model().version}
            self.stdout.write(_("Model v%(version)s stays: training gave the same model") % stays)
            return None
        self.stdout.write(
            _("Model v%(version)s: %(verdict)s")
            % {
                "version": model.version,
                "verdict": model.verdict_text,
            }
        )
        for name, s in model.scores.items():
            self.stdout.write(
                _(
                    "%(set)s: %(rows)s calls, police calls diverted %(diverted)s of %(police)s, "
                    "right sub-type %(right)s of %(others)s (%(share)s), kept %(kept)s, "
                    "wrong sub-type %(wrong)s"
                )
                % {
                    **s,
                    "set": name,
                    "diverted": s["police_diverted"],
                    "share": f"{s['right_share']:.1%}",
                }
            )
        if "unseen" not in model.scores:
            self.stdout.write(
                _("No unseen set at %(path)s: scored on the sample only") % {"path": unseen}
            )
        return model
