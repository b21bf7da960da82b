"""Backups that restore: the drill (back up, restore into a new database, the access log verifies
there, counts and decrypted numbers match) on whichever database the suite runs, and the
refusals (another field key, a damaged dump, a database that is not new)."""

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from outpost.core.access import log_access
from outpost.core.backups import Manifest
from outpost.geo.models import Grid
from outpost.registry.models import Person
from tests.cases.conftest import district_reloaded  # noqa: F401 (a fixture)
from tests.fieldwork.conftest import care_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),  # pg_dump reads what is committed
    pytest.mark.usefixtures("district_reloaded"),
]
OTHER_KEY = "q2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qq2Qo"  # 32 bytes, base64url


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restored"
    server = "postgres://{USER}@{HOST}:{PORT}".format(**connection.settings_dict)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _people(grid: Grid) -> list[str]:
    """Three care subjects with ID numbers; their numbers as stored (decrypted)."""
    made = [
        care_subject(grid, f"BK{i}", f"居民{i}", dt.date(1940, 1, 1), f"3201061940010100{i}")
        for i in range(3)
    ]
    return sorted(p.id_number.reveal() for p in made)


def _backup(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("backup", "create", "--to", str(tmp_path / "backups"), stdout=out)
    assert "OUTPOST_FIELD_KEY" in out.getvalue()  # the operator is told the keys are apart
    (manifest,) = (tmp_path / "backups").glob("*.json")
    return manifest


def _outpost(url: str, settings: Any, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`outpost …` in its own process against the restored database, with the kept keys."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OUTPOST_FIELD_KEY": settings.OUTPOST_FIELD_KEY,
        "OUTPOST_VAR_DIR": str(tmp_path / "elsewhere"),
        "OUTPOST_LANGUAGE": "en",
    }
    return subprocess.run(
        [sys.executable, "-m", "outpost", *args], env=env, capture_output=True, text=True
    )


def test_it_restores_a_backup_that_verifies_and_decrypts(
    home_grid: Grid, grid_worker: Any, settings: Any, tmp_path: Path, new_database: str
) -> None:
    numbers = _people(home_grid)
    for n in range(3):
        log_access(actor=grid_worker.user, action="view", object_type="person", object_key=str(n))
    manifest = _backup(tmp_path)
    assert numbers[0] not in manifest.read_text()
    assert settings.OUTPOST_FIELD_KEY not in manifest.read_text()

    out = StringIO()
    call_command("backup", "restore", str(manifest), "--into", new_database, stdout=out)
    assert "已恢复" in out.getvalue() and "每张表的行数都与备份一致" in out.getvalue()

    verified = _outpost(new_database, settings, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
    read = "from outpost.registry.models import Person as P; print(sorted(p.id_number.reveal() "
    read += "for p in P.objects.filter(person_no__startswith='BK')), P.objects.count())"
    shown = _outpost(new_database, settings, tmp_path, "shell", "--no-imports", "-c", read)
    assert shown.stdout.strip() == f"{numbers} {Person.objects.count()}", shown.stderr


def test_it_refuses_a_restore_under_another_field_key(
    home_grid: Grid, settings: Any, tmp_path: Path, new_database: str
) -> None:
    _people(home_grid)
    manifest = _backup(tmp_path)
    settings.OUTPOST_FIELD_KEY = OTHER_KEY
    with pytest.raises(CommandError, match="另一个字段密钥"):
        call_command("backup", "restore", str(manifest), "--into", new_database)
    settings.OUTPOST_LANGUAGE = "en"
    with pytest.raises(CommandError, match="OUTPOST_FIELD_KEY"):
        call_command("backup", "check", str(manifest))
    assert not Path(new_database.removeprefix("sqlite:///")).exists()


def test_it_refuses_a_damaged_dump_and_a_database_that_is_not_new(
    home_grid: Grid, settings: Any, tmp_path: Path, new_database: str
) -> None:
    _people(home_grid)
    manifest = _backup(tmp_path)
    settings.OUTPOST_LANGUAGE = "en"
    call_command("backup", "restore", str(manifest), "--into", new_database, stdout=StringIO())
    with pytest.raises(CommandError, match="new database"):  # never over a database
        call_command("backup", "restore", str(manifest), "--into", new_database)

    dump = manifest.parent / Manifest.read(manifest).dump
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("backup", "check", str(manifest))
