"""Boundary import (`outpost geo import`): read, check everything, then write all or nothing."""

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from outpost.core.audit import record_change
from outpost.geo.boundaries.checks import check_batch
from outpost.geo.boundaries.problems import BoundaryImportRefused, Problem
from outpost.geo.boundaries.reading import read_path
from outpost.geo.boundaries.writing import Writer
from outpost.geo.models import BoundaryState
from outpost.geo.overlay import rebuild_overlay
from outpost.geo.signals import boundaries_changed

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

__all__ = ["BoundaryImportRefused", "ImportReport", "Problem", "import_boundaries"]


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    slivers: int = 0
    overlaps: int = 0
    changed: bool = False
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(sorted(self.counts.items())),
            "slivers": self.slivers,
            "overlaps": self.overlaps,
            "changed": self.changed,
            "dry_run": self.dry_run,
        }


class _DryRunRollback(Exception):
    pass


def import_boundaries(
    path: Path,
    *,
    actor: "AbstractBaseUser | AnonymousUser | None" = None,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a folder or a single file. Raises BoundaryImportRefused (nothing written) when
    any row or feature is wrong."""
    batch = read_path(Path(path))
    result = check_batch(batch)
    if result.problems:
        raise BoundaryImportRefused(result.problems)
    report = ImportReport(slivers=result.slivers, dry_run=dry_run)
    try:
        with transaction.atomic():
            _write(batch, report, actor, today or timezone.localdate())
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _write(
    batch: Any,
    report: ImportReport,
    actor: "AbstractBaseUser | AnonymousUser | None",
    today: dt.date,
) -> None:
    writer = Writer(today)
    writer.apply(batch)
    report.counts = writer.counts
    report.changed = any(k.endswith(("_created", "_updated")) for k in writer.counts)
    if writer.reshaped:
        report.overlaps = rebuild_overlay()
        BoundaryState.objects.update_or_create(
            pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()}
        )
        boundaries_changed.send(sender=BoundaryState)
    if report.changed:
        record_change(
            actor=actor,
            action="import_boundaries",
            object_type="boundaries",
            object_key=str(today),
            after=report.as_dict(),
        )
