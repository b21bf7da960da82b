"""`outpost registry import|match-addresses`: the 一标三实 registry from files."""

import csv
import json
import lzma
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from outpost.core.context import request_context
from outpost.registry.addressing import address_matcher
from outpost.registry.imports import IMPORTERS, ImportResult, TableError, run_import


class Command(BaseCommand):
    help = "Import registry files and match free-text addresses."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import addresses, persons, houses or units")
        imp.add_argument("kind", choices=sorted(IMPORTERS))
        imp.add_argument("file", type=Path, help="CSV (UTF-8 or GBK), xlsx, or .xz of either")
        imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        imp.add_argument("--report", type=Path, help="write row,outcome,field,reason here")
        imp.add_argument("--json", action="store_true", help="print the counts as JSON")
        match = sub.add_parser("match-addresses", help="free text → standard address")
        match.add_argument("input", type=Path, help="CSV with a column named text")
        match.add_argument("output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        with request_context("command"):
            if options["action"] == "import":
                self._import(options)
            else:
                self._match(options)

    def _import(self, options: dict[str, Any]) -> None:
        data, name = read_input(options["file"])
        try:
            result = run_import(options["kind"], data, name, dry_run=options["dry_run"])
        except TableError as error:
            raise CommandError(f"{options['file']}：{error.zh}") from None
        if options["report"]:
            write_report(result, options["report"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(_summary(result))

    def _match(self, options: dict[str, Any]) -> None:
        texts = _read_texts(options["input"])
        results = address_matcher().match_many(texts)
        with options["output"].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "addr_id", "score", "candidates"])
            for text, found in zip(texts, results, strict=True):
                others = ";".join(c.addr_id for c in found.candidates)
                writer.writerow([text, found.addr_id or "", f"{found.score:.3f}", others])
        matched = sum(1 for found in results if found.addr_id)
        self.stdout.write(f"已匹配 {matched}/{len(texts)} 条地址，结果写入 {options['output']}")


def read_input(path: Path) -> tuple[bytes, str]:
    """The file's bytes and the name its format is judged by (.xz is unpacked first)."""
    if not path.exists():
        raise CommandError(f"文件不存在：{path}")
    if path.suffix == ".xz":
        return lzma.decompress(path.read_bytes()), path.stem
    return path.read_bytes(), path.name


def write_report(result: ImportResult, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "outcome", "field", "reason"])
        for o in result.outcomes:
            writer.writerow([o.row, o.outcome, o.field, o.reason])


def _summary(result: ImportResult) -> str:
    c = result.counts
    verb = "检查完成（试运行，未写入）" if result.dry_run else "导入完成"
    return (
        f"{verb}：共 {len(result.outcomes)} 行，新建 {c['created']}，合并 {c['merged']}，"
        f"未变 {c['unchanged']}，拒绝 {c['rejected']}"
    )


def _read_texts(path: Path) -> list[str]:
    if not path.exists():
        raise CommandError(f"文件不存在：{path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "text" not in (reader.fieldnames or ()):
            raise CommandError("输入文件缺少 text 列")
        return [row["text"] or "" for row in reader]
