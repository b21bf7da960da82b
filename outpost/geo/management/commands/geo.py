"""`outpost geo import|locate|locate-file`: boundaries in, points to grids and beats."""

import csv
import json
import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries
from outpost.geo.coords import SUPPORTED_CRS
from outpost.geo.locator import locate, locate_many


class Command(CommandBase):
    help = "Import boundaries and locate points in grids and police beats."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a boundary folder or a single file")
        imp.add_argument("path", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        imp.add_argument("--json", action="store_true", help="print the counts as JSON")
        one = sub.add_parser("locate", help="grid and beat of one point")
        one.add_argument("lon", type=float)
        one.add_argument("lat", type=float)
        one.add_argument("--crs", choices=SUPPORTED_CRS, default="wgs84")
        many = sub.add_parser("locate-file", help="grid and beat of every id,lon,lat row")
        many.add_argument("input", type=Path)
        many.add_argument("output", type=Path)
        many.add_argument("--crs", choices=SUPPORTED_CRS, default="wgs84")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("command"):
            handler = {
                "import": self._import,
                "locate": self._locate,
                "locate-file": self._locate_file,
            }[options["action"]]
            handler(options)

    def _import(self, options: dict[str, Any]) -> None:
        try:
            report = import_boundaries(options["path"], dry_run=options["dry_run"])
        except BoundaryImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Import refused: %(n)s problems found, nothing written.")
                % {"n": len(refused.problems)}
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        verb = _("Checked and passed (dry run, nothing written)") if report.dry_run else None
        counts = _(", ").join(f"{k}={v}" for k, v in sorted(report.counts.items()))
        self.stdout.write(
            _("%(where)s: %(problem)s") % {"where": verb or _("Imported"), "problem": counts}
        )
        if report.slivers:
            self.stdout.write(
                _(
                    "Neighbouring boundaries overlap slightly in %(n)s places "
                    "(within tolerance, accepted)"
                )
                % {"n": report.slivers}
            )

    def _locate(self, options: dict[str, Any]) -> None:
        for name in ("lon", "lat"):
            if not math.isfinite(options[name]):
                raise CommandError(_("%(name)s is not a valid number") % {"name": name})
        location = locate(options["lon"], options["lat"], options["crs"])
        self.stdout.write(json.dumps(location.as_dict(), ensure_ascii=False))

    def _locate_file(self, options: dict[str, Any]) -> None:
        ids, lons, lats = _read_points(options["input"])
        grids, beats = locate_many(np.array(lons), np.array(lats), options["crs"])
        with options["output"].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "grid_code", "beat_code"])
            for row in zip(ids, grids, beats, strict=True):
                writer.writerow([row[0], row[1] or "", row[2] or ""])
        found = sum(1 for g in grids if g)
        self.stdout.write(
            _("Located %(found)s of %(total)s points; results written to %(output)s")
            % {"found": found, "total": len(ids), "output": options["output"]}
        )


def _read_points(path: Path) -> tuple[list[str], list[float], list[float]]:
    if not path.exists():
        raise CommandError(_("File does not exist: %(path)s") % {"path": path})
    ids, lons, lats = [], [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "lon", "lat"} - set(reader.fieldnames or ())
        if missing:
            raise CommandError(
                _("Missing columns: %(columns)s (id,lon,lat are needed)")
                % {"columns": ", ".join(sorted(missing))}
            )
        for n, row in enumerate(reader, start=2):
            ids.append(row["id"])
            lons.append(_coordinate(row["lon"], n, "lon"))
            lats.append(_coordinate(row["lat"], n, "lat"))
    return ids, lons, lats


def _coordinate(raw: str, row: int, column: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise CommandError(
            _("Row %(row)s: %(column)s is not a valid number (%(raw)r); no results written")
            % {"row": row, "column": column, "raw": raw}
        )
    return value
