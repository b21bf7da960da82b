"""Backups that restore (备份与恢复): one file per backup and a manifest beside it.

A backup holds the database only. The two keys stay out of it on purpose: the field key
(`OUTPOST_FIELD_KEY`: without it the ID and phone numbers inside are unreadable, which is the
point when a backup file is lost) and the secret key (sessions and signed links). The manifest
carries a fingerprint of each key (an HMAC, not the key), so a restore can say at once whether
the key configured where it runs is the one the backup needs, and row counts per table taken
from the same snapshot as the dump, so a restore can prove it is whole.

PostgreSQL: `pg_dump -Fc` inside an exported snapshot (the counts and the dump see the same
instant) and `pg_restore` into a new, empty database. SQLite: the online backup API (a
consistent copy while the site runs) and a file copy. docs/backups.md has the procedure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
POSTGRES = "postgresql"
SQLITE = "sqlite"
PG_DUMP = ("pg_dump", "--format=custom", "--no-owner", "--no-privileges")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    vendor: str
    created_at: str
    dump: str  # the dump's file name, beside the manifest
    sha256: str
    counts: dict[str, int]
    field_key: str  # fingerprints, never the keys
    secret_key: str

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"format": FORMAT, **self.__dict__}, indent=1) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
            if data.pop("format") != FORMAT:
                raise ValueError("format")
            return cls(**data)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupError(
                _("Not a backup manifest: %(path)s (%(why)s)") % {"path": path, "why": exc}
            ) from exc


def fingerprint(key: str, purpose: str) -> str:
    """Names a key without revealing it: equal keys give equal fingerprints."""
    return hmac.new(key.encode(), f"outpost-backup:{purpose}".encode(), "sha256").hexdigest()[:24]


def table_names() -> list[str]:
    """Every table the project's models keep rows in (many-to-many tables included)."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return sorted(n for n in names if n in connection.introspection.table_names())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from the models
        counts[table] = int(cursor.fetchone()[0])
    return counts


def create_backup(folder: Path) -> Path:
    """Back the database up into `folder`; returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    vendor = POSTGRES if connection.vendor == "postgresql" else SQLITE
    dump = folder / f"outpost-{stamp}.{'pgdump' if vendor == POSTGRES else 'sqlite3'}"
    tables = table_names()
    counts = _dump_postgres(dump, tables) if vendor == POSTGRES else _dump_sqlite(dump, tables)
    manifest = Manifest(
        vendor=vendor,
        created_at=timezone.now().isoformat(),
        dump=dump.name,
        sha256=_sha256(dump),
        counts=counts,
        field_key=fingerprint(settings.OUTPOST_FIELD_KEY, "field"),
        secret_key=fingerprint(settings.SECRET_KEY, "secret"),
    )
    path = dump.with_suffix(".json")
    manifest.write(path)
    return path


def _dump_sqlite(dump: Path, tables: list[str]) -> dict[str, int]:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    target = sqlite3.connect(dump)
    try:
        source.backup(target)
        return _counts(target.cursor(), tables)
    finally:
        target.close()
        source.close()


def _libpq_env(config: dict[str, Any]) -> dict[str, str]:
    """The environment the PostgreSQL client programs read the connection from."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _dump_postgres(dump: Path, tables: list[str]) -> dict[str, int]:
    """Counts and dump from one exported snapshot, so they describe the same instant."""
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor, tables)
            _run(
                [*PG_DUMP, f"--snapshot={snapshot}", "-f", str(dump)],
                _libpq_env(connection.settings_dict),
            )
        finally:
            cursor.execute("ROLLBACK")
    return counts


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed (Debian: postgresql-client)") % {"program": command[0]}
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]}: {done.stderr.strip()[-2000:]}")


# --- restore -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int


def read_backup(manifest_path: Path) -> tuple[Manifest, Path]:
    """The manifest and its dump, checked whole (the dump's SHA-256 as written)."""
    manifest = Manifest.read(manifest_path)
    dump = manifest_path.parent / manifest.dump
    if not dump.is_file():
        raise BackupError(_("The backup's dump is missing: %(path)s") % {"path": dump})
    if _sha256(dump) != manifest.sha256:
        raise BackupError(
            _("The dump %(path)s is damaged or was changed: its SHA-256 is not the manifest's")
            % {"path": dump}
        )
    return manifest, dump


def check_keys(manifest: Manifest) -> list[str]:
    """What the keys configured here do not match; the field key's mismatch is fatal."""
    problems = []
    if fingerprint(settings.OUTPOST_FIELD_KEY, "field") != manifest.field_key:
        problems.append(
            _(
                "This backup was made under another field key (OUTPOST_FIELD_KEY): the ID and "
                "phone numbers in it cannot be read with the key set here. Set the key kept "
                "with this backup's records (docs/backups.md) and run the restore again."
            )
        )
    return problems


def secret_key_differs(manifest: Manifest) -> bool:
    """Another secret key only signs everyone out; it is reported, not refused."""
    return fingerprint(settings.SECRET_KEY, "secret") != manifest.secret_key


def restore_backup(manifest_path: Path, url: str) -> Restored:
    """Restore into the new, empty database at `url` and prove every table's rows arrived."""
    manifest, dump = read_backup(manifest_path)
    problems = check_keys(manifest)
    if problems:
        raise BackupError(problems[0])
    target = urlparse(url)
    if manifest.vendor == POSTGRES and target.scheme in ("postgres", "postgresql"):
        _restore_postgres(dump, url)
        counts = _postgres_counts(url, list(manifest.counts))
    elif manifest.vendor == SQLITE and target.scheme == "sqlite":
        path = Path(unquote(target.path))
        _restore_sqlite(dump, path)
        counts = _sqlite_counts(path, list(manifest.counts))
    else:
        raise BackupError(
            _("A %(vendor)s backup cannot be restored into %(url)s")
            % {"vendor": manifest.vendor, "url": f"{target.scheme}://…"}
        )
    wrong = {t: (n, counts.get(t)) for t, n in manifest.counts.items() if counts.get(t) != n}
    if wrong:
        raise BackupError(_("The restored database is not whole: %(tables)s") % {"tables": wrong})
    return Restored(tables=len(counts), rows=sum(counts.values()))


def _restore_sqlite(dump: Path, path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        raise BackupError(
            _("%(path)s already exists: restore into a new database, never over one")
            % {"path": path}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dump, path)


def _sqlite_counts(path: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return _counts(db.cursor(), tables)


def _restore_postgres(dump: Path, url: str) -> None:
    import psycopg

    with psycopg.connect(url) as db:
        tables = db.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        ).fetchone()
    if tables and tables[0]:
        raise BackupError(
            _("The database at %(url)s is not empty: restore into a new database, never over one")
            % {"url": _redacted(url)}
        )
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", url, str(dump)],
        dict(os.environ),
    )


def _postgres_counts(url: str, tables: list[str]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cursor:
        return _counts(cursor, tables)


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlparse(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{parts.username or ''}@{host}:{parts.port or ''}{parts.path}"
