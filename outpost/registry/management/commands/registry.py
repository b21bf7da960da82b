"""`outpost registry import|match-addresses`: the 一标三实 registry from files."""

import csv
import json
import lzma
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.registry.addressing import address_matcher
from outpost.registry.imports import IMPORTERS, ImportResult, TableError, run_import


class Command(CommandBase):
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
            raise CommandError(
                _("%(where)s: %(problem)s") % {"where": options["file"], "problem": error}
            ) from None
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
        self.stdout.write(
            _("Matched %(matched)s of %(total)s addresses; results written to %(output)s")
            % {"matched": matched, "total": len(texts), "output": options["output"]}
        )


def read_input(path: Path) -> tuple[bytes, str]:
    """The file's bytes and the name its format is judged by (.xz is unpacked first)."""
    if not path.exists():
        raise CommandError(_("File does not exist: %(path)s") % {"path": path})
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
    verb = _("Checked (dry run, nothing written)") if result.dry_run else _("Imported")
    return _(
        "%(verb)s: %(rows)s rows, %(created)s created, %(merged)s merged, "
        "%(unchanged)s unchanged, %(rejected)s rejected"
    ) % {"verb": verb, "rows": len(result.outcomes), **c}


def _read_texts(path: Path) -> list[str]:
    if not path.exists():
        raise CommandError(_("File does not exist: %(path)s") % {"path": path})
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "text" not in (reader.fieldnames or ()):
            raise CommandError(_("The input file has no column named text"))
        return [row["text"] or "" for row in reader]
