"""`outpost assessment compute --period 2026-11 [--scheme ID]`: compute a month, quarter or year
of every active scheme (or of one), storing each unit's figures, score and rank (the scheduled
job, or by hand). An approved period is refused and left as it was.
`outpost assessment default-scheme CODE`: create the default 警网双考 scheme over a street (and
its police station) or a district."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.assessment import services
from outpost.assessment.periods import BadPeriod
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase


class Command(CommandBase):
    help = "Compute assessment periods (警网双考) or create the default scheme."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="compute a period of the active schemes")
        compute.add_argument("--period", required=True, help="2026-11, 2026-Q4 or 2026")
        compute.add_argument("--scheme", type=int, help="one scheme's id (default: all active)")
        default = sub.add_parser("default-scheme", help="create the default scheme of an area")
        default.add_argument("code", help="the street's or district's 12-digit code")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("command"):
            if options["action"] == "default-scheme":
                scheme = services.do_create_default_scheme(options["code"], actor=None)
                self.stdout.write(f"{scheme.pk} {scheme.name} {scheme.area_name}")
                return
            try:
                done = services.compute_all(options["period"], scheme_id=options["scheme"])
            except BadPeriod as error:
                raise CommandError(_("That is not a period")) from error
            for scheme, period, refused in done:
                counted = period.results.count() if period else 0
                self.stdout.write(f"{scheme.pk} {scheme.name} {refused or counted}")
