"""`outpost calls divert IN.csv OUT.csv`: 110 non-police diversion from a file."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.calls.intake import read_calls
from outpost.calls.outcomes import summarise, write_outcomes
from outpost.calls.services import divert_calls
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.registry.tabular import TableError


class Command(CommandBase):
    help = "Divert non-police 110 calls to cases, or keep them with the police."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        divert = sub.add_parser("divert", help="classify calls, open cases for diverted ones")
        divert.add_argument("input", type=Path, help="CSV (UTF-8 or GBK) or xlsx of 110 calls")
        divert.add_argument(
            "output", type=Path, help="call_id,decision,subtype,addr_id,grid_code,reason"
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
