"""Registry imports (`outpost registry import KIND FILE`): every row checked, valid rows in, the
rest rejected with a reason, all in one transaction, and re-running the same file a no-op."""

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.core.bulk import cycles_uncollected
from outpost.registry.addressing import address_matcher
from outpost.registry.columns import COLUMNS, REQUIRED
from outpost.registry.imports.addresses import AddressImporter
from outpost.registry.imports.base import AreaGuard, ImportResult, RowOutcome
from outpost.registry.imports.houses import HouseImporter
from outpost.registry.imports.persons import PersonImporter
from outpost.registry.imports.units import UnitImporter
from outpost.registry.tabular import TableError, read_table

__all__ = ["IMPORTERS", "KIND_LABELS", "ImportResult", "RowOutcome", "TableError", "run_import"]

# What each kind of file holds, as the pages name it.
KIND_LABELS: dict[str, Any] = {
    "persons": _("People"),
    "addresses": _("Standard addresses"),
    "houses": _("Houses"),
    "units": _("Organisations"),
}

PROGRESS_EVERY = 2000  # rows between progress reports (and a batch of rows read at once)

IMPORTERS: dict[str, Any] = {
    "addresses": AddressImporter,
    "persons": PersonImporter,
    "houses": HouseImporter,
    "units": UnitImporter,
}


def run_import(
    kind: str,
    data: bytes,
    filename: str,
    *,
    actor: User | None = None,
    dry_run: bool = False,
    progress: Any = None,
) -> ImportResult:
    """Import one file. Raises TableError when the file itself cannot be read."""
    with cycles_uncollected():
        return _import(kind, data, filename, actor, dry_run, progress)


def _import(
    kind: str, data: bytes, filename: str, actor: User | None, dry_run: bool, progress: Any
) -> ImportResult:
    table = read_table(data, filename, COLUMNS[kind], REQUIRED[kind])
    # The matcher is built only if a row needs it (free-text address, no code).
    # It answers from the uploader's districts only.
    area = AreaGuard(actor, kind).scope if actor is not None else None
    matcher = partial(address_matcher, area)
    importer = IMPORTERS[kind](actor=actor, matcher=matcher, today=timezone.localdate())
    result = ImportResult(
        kind, dry_run=dry_run, encoding=table.encoding, header_row=table.header_row
    )
    importer.prepare(table.rows)  # it reads what the rows name, in one go
    if dry_run or not hasattr(importer, "write"):
        _decide_then_write(importer, result, table.rows, actor, filename, progress)
    else:
        if progress:
            progress(0, len(table.rows))  # read; decided and written at once from here
        with transaction.atomic():
            result.outcomes = importer.write(table.rows)
            _record(importer, result, actor, filename)
    return result


def _decide_then_write(
    importer: Any,
    result: ImportResult,
    rows: list[Any],
    actor: User | None,
    filename: str,
    progress: Any,
) -> None:
    """Rows decided outside the transaction, so progress can be reported as it goes; the
    writes happen in one transaction, so a failure (or a concurrent import of the same records
    tripping a unique constraint) leaves nothing behind."""
    total = len(rows)
    for start in range(0, total, PROGRESS_EVERY):
        batch = rows[start : start + PROGRESS_EVERY]
        result.outcomes += _process(importer, batch)
        if progress:
            progress(start + len(batch), total)
    if result.dry_run:
        if actor is not None:
            _log(actor, filename, result)
        return
    with transaction.atomic():
        importer.flush()
        _record(importer, result, actor, filename)


def _record(importer: Any, result: ImportResult, actor: User | None, filename: str) -> None:
    """The access-log row (an uploader's) and the change record (if anything changed), in the
    import's transaction."""
    if actor is not None:
        _log(actor, filename, result)
    if result.changed:
        # Rows held back (people on record outside the uploader's area) stay here for the
        # officers to follow up; the uploader was not told they exist.
        held = {"held": importer.held} if getattr(importer, "held", None) else {}
        record_change(
            actor=actor,
            action=f"import_{result.kind}",
            object_type="import",
            object_key=filename[:64],
            after={**result.as_dict(), **held},
        )


def _process(importer: Any, rows: list[Any]) -> list[RowOutcome]:
    """The rows' outcomes: in one go where the importer reads what a batch names at once."""
    if hasattr(importer, "process_many"):
        return importer.process_many(rows)
    return [importer.process(row) for row in rows]


def _log(actor: User, filename: str, result: ImportResult) -> None:
    """Every upload compares its rows with the registry, a dry run too: one access-log row with
    how many rows it held and how they were answered (the command line, run by whoever holds
    the database itself, is not logged)."""
    counts = "; ".join(f"{name}={n}" for name, n in result.counts.items() if n)
    dry = "dry_run; " if result.dry_run else ""
    log_access(
        actor=actor,
        action="import",
        object_type=result.kind,
        object_key=filename[:64],
        purpose=f"rows={len(result.outcomes)}; {dry}{counts}",
    )
