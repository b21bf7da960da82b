"""`outpost demo`: load the 鼓楼区 demo district and print the demo accounts."""

import lzma
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outpost.accounts.demo import DEMO_PASSWORD, create_demo_accounts, create_staff_roster
from outpost.accounts.roles import Role
from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries


class Command(CommandBase):
    help = "Load the 鼓楼区 demo district (boundaries, staff, demo accounts)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data", type=Path, default=settings.BASE_DIR / "data" / "gulou")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("command"):
            try:
                report = import_boundaries(options["data"])
            except BoundaryImportRefused as refused:
                raise CommandError("\n".join(str(p) for p in refused.problems)) from None
            counts = report.counts
            self.stdout.write(
                _("Boundaries: %(grids)s grids, %(beats)s police beats")
                % {
                    "grids": counts["grid_created"] + counts["grid_unchanged"],
                    "beats": counts["beat_created"] + counts["beat_unchanged"],
                }
            )
            self._load_registry(options["data"])
            self._load_cases()
            staff = create_staff_roster()
            self.stdout.write(
                _(
                    "Staff: %(n)s grid workers and police officers created "
                    "(for show, they cannot sign in)"
                )
                % {"n": staff}
            )
            accounts = create_demo_accounts()
            self._load_command_room(options["data"])
            self._load_stations()
            self._load_fieldwork()
            self._load_academy()
            self._load_assessment()
            self._load_warnings()
        self._print_accounts(accounts)

    def _load_registry(self, folder: Path) -> None:
        """一标三实: addresses first, then the people, houses and organisations on them."""
        from outpost.registry.imports import run_import

        for kind, label in DEMO_KINDS:
            data, name = _read_demo_file(folder, kind)
            started = time.monotonic()
            result = run_import(kind, data, name)
            c = result.counts
            self.stdout.write(
                _(
                    "%(label)s: %(created)s created, %(unchanged)s unchanged, %(merged)s merged, "
                    "%(rejected)s rejected (%(seconds).1f s)"
                )
                % {"label": label, **c, "seconds": time.monotonic() - started}
            )

    def _load_cases(self) -> None:
        from outpost.cases.history import generate_history
        from outpost.cases.taxonomy import load_taxonomy

        started = time.monotonic()
        subtypes = load_taxonomy()
        made = generate_history()
        self.stdout.write(
            _(
                "Cases: %(subtypes)s sub-types; %(made)s cases of the last 90 days made "
                "(%(seconds).1f s)"
            )
            % {"subtypes": subtypes, "made": made, "seconds": time.monotonic() - started}
        )

    def _load_command_room(self, folder: Path) -> None:
        """The room's roster and reporters, instructions in flight, and the 110 sample diverted."""
        from outpost.calls.intake import read_calls
        from outpost.calls.services import divert_calls
        from outpost.command.demo import create_demo_room
        from outpost.instructions.demo import create_demo_instructions

        create_demo_room(DEMO_PASSWORD)
        made = create_demo_instructions()
        sample = folder / "calls_110_sample.csv"
        outcomes = divert_calls(read_calls(sample.read_bytes(), sample.name))
        diverted = sum(1 for o in outcomes if o.decision == "divert")
        self.stdout.write(
            _(
                "Command room: duty roster and the eight reporters; %(instructions)s instructions, "
                "%(groups)s virtual grids; %(calls)s 110 calls, %(diverted)s diverted"
            )
            % {**made, "calls": len(outcomes), "diverted": diverted}
        )

    def _load_stations(self) -> None:
        """Every community's 平安前哨: staff from the roles, hours, rota, window visits."""
        from outpost.stations.demo import create_demo_stations

        started = time.monotonic()
        made = create_demo_stations()
        self.stdout.write(
            _(
                "Outposts: %(stations)s stations, %(staff)s staff, %(duties)s duties, "
                "%(visits)s window visits (%(seconds).1f s)"
            )
            % {**made, "seconds": time.monotonic() - started}
        )

    def _load_fieldwork(self) -> None:
        """Patrols, visits and inspections of the last 90 days, by the grid workers above."""
        from outpost.fieldwork.demo import generate_fieldwork

        started = time.monotonic()
        made = generate_fieldwork()
        if not made:
            return
        self.stdout.write(
            _(
                "Field work: %(patrols)s patrols (%(checkins)s check-ins) on %(plans)s plans, "
                "%(visits)s visits, %(inspections)s inspections (%(hazards)s hazards) of the "
                "last 90 days made (%(seconds).1f s)"
            )
            % {**made, "seconds": time.monotonic() - started}
        )

    def _load_academy(self) -> None:
        """网格学院: a few courses from the shipped articles and a closed case."""
        from outpost.academy.demo import create_demo_courses

        made = create_demo_courses()
        self.stdout.write(_("Grid academy: %(n)s courses") % {"n": made})

    def _load_assessment(self) -> None:
        """警网双考: the default scheme over the commander's street, last month approved."""
        from outpost.assessment.demo import create_demo_scheme

        made = create_demo_scheme()
        self.stdout.write(_("Assessment: %(n)s units assessed this month") % {"n": made})

    def _load_warnings(self) -> None:
        """预警: the rules run once over what the demo made."""
        from outpost.warnings.demo import raise_demo_warnings

        self.stdout.write(_("Early warnings raised: %(n)s") % {"n": raise_demo_warnings()})

    def _print_accounts(self, accounts: list[Any]) -> None:
        from outpost.accounts.models import RoleAssignment

        self.stdout.write(
            "\n"
            + _("Demo accounts (all with the password %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for account in accounts:
            scope = RoleAssignment.objects.get(
                user__username=account.username, role=account.role
            ).scope_name
            role = Role(account.role).label
            self.stdout.write(f"  {account.username:<12} {role:<10} {scope} ({account.scope_code})")
        self.stdout.write(
            "  "
            + _(
                "Also the reporters' accounts baoan, zhiyuan, wuye, kuaidi, waimai, lianluo, "
                "tiaojie (same password)"
            )
        )
        self.stdout.write(
            "\n" + _("Open http://127.0.0.1:8000/ and sign in with any account above.")
        )


DEMO_KINDS = (
    ("addresses", gettext_lazy("Standard addresses")),
    ("persons", gettext_lazy("People")),
    ("houses", gettext_lazy("Houses")),
    ("units", gettext_lazy("Organisations")),
)
DEMO_FILES = {
    "addresses": "addresses.csv",
    "persons": "persons.csv",
    "houses": "houses.csv",
    "units": "units.csv",
}


def _read_demo_file(folder: Path, kind: str) -> tuple[bytes, str]:
    name = DEMO_FILES[kind]
    plain, packed = folder / name, folder / f"{name}.xz"
    if plain.exists():
        return plain.read_bytes(), name
    return lzma.decompress(packed.read_bytes()), name
