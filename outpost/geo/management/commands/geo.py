"""`outpost geo import|locate|locate-file`: boundaries in, points to grids and beats."""

import csv
import json
import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from outpost.core.context import request_context
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries
from outpost.geo.coords import SUPPORTED_CRS
from outpost.geo.locator import locate, locate_many


class Command(BaseCommand):
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
        translation.activate("zh-hans")
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
                f"导入被拒绝：发现 {len(refused.problems)} 个问题，未写入任何数据。"
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        verb = "检查通过（试运行，未写入）" if report.dry_run else "导入完成"
        counts = "，".join(f"{k}={v}" for k, v in sorted(report.counts.items()))
        self.stdout.write(f"{verb}：{counts}")
        if report.slivers:
            self.stdout.write(f"相邻边界有 {report.slivers} 处细小重叠（在容差内，已接受）")

    def _locate(self, options: dict[str, Any]) -> None:
        for name in ("lon", "lat"):
            if not math.isfinite(options[name]):
                raise CommandError(f"{name} 不是有效数字")
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
        self.stdout.write(f"已定位 {found}/{len(ids)} 个点，结果写入 {options['output']}")


def _read_points(path: Path) -> tuple[list[str], list[float], list[float]]:
    if not path.exists():
        raise CommandError(f"文件不存在：{path}")
    ids, lons, lats = [], [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "lon", "lat"} - set(reader.fieldnames or ())
        if missing:
            raise CommandError(f"缺少列：{', '.join(sorted(missing))}（需要 id,lon,lat）")
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
        raise CommandError(f"第 {row} 行：{column} 不是有效数字（{raw!r}），未写入结果文件")
    return value
