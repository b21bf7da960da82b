"""Settings come from the environment; production refuses to start without a real secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from outpost.core.env import env_bool, env_choice, env_int

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'key': s.SECRET_KEY, 'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'lang': s.LANGUAGE_CODE, "
    "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'secure': s.SESSION_COOKIE_SECURE}))"
)


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OUTPOST_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**base, "DJANGO_SETTINGS_MODULE": "outpost.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = _settings_in({"OUTPOST_ENV": "production", "OUTPOST_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "OUTPOST_SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


PRODUCTION_KEYS = {"OUTPOST_SECRET_KEY": "k" * 50, "OUTPOST_FIELD_KEY": "f" * 43 + "="}


def test_it_refuses_to_start_in_production_without_a_field_key(tmp_path: Path) -> None:
    result = _settings_in(
        {
            "OUTPOST_ENV": "production",
            "OUTPOST_VAR_DIR": str(tmp_path),
            "OUTPOST_SECRET_KEY": "k" * 50,
        }
    )
    assert result.returncode != 0
    assert "OUTPOST_FIELD_KEY must be set" in result.stderr
    assert not (tmp_path / "field_key").exists()


def test_it_starts_in_production_with_a_secret_key_and_secure_cookies(tmp_path: Path) -> None:
    result = _settings_in(
        {"OUTPOST_ENV": "production", "OUTPOST_VAR_DIR": str(tmp_path), **PRODUCTION_KEYS}
    )
    assert result.returncode == 0, result.stderr
    assert '"secure": true' in result.stdout and '"hsts": 31536000' in result.stdout


def test_it_generates_the_development_key_once(tmp_path: Path) -> None:
    first = _settings_in({"OUTPOST_VAR_DIR": str(tmp_path)})
    second = _settings_in({"OUTPOST_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert json.loads(first.stdout)["key"] == json.loads(second.stdout)["key"] == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_it_selects_the_database_from_database_url(tmp_path: Path) -> None:
    default = _settings_in({"OUTPOST_VAR_DIR": str(tmp_path)})
    assert '"engine": "django.db.backends.sqlite3"' in default.stdout
    assert str(tmp_path / "outpost.sqlite3") in default.stdout
    chosen = _settings_in(
        {"OUTPOST_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db.example:5432/outpost"}
    )
    assert '"engine": "django.db.backends.postgresql"' in chosen.stdout
    assert '"name": "outpost"' in chosen.stdout


def test_it_speaks_chinese_by_default_with_english_available() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # An in-memory test database reports "memory"; a file database reports "wal".
    assert mode in ("wal", "memory")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]


def test_typed_helpers_refuse_malformed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTPOST_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="OUTPOST_X must be true or false"):
        env_bool("OUTPOST_X")
    monkeypatch.setenv("OUTPOST_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("OUTPOST_X", 1)
    monkeypatch.setenv("OUTPOST_X", "staging")
    with pytest.raises(ImproperlyConfigured, match="one of development, production"):
        env_choice("OUTPOST_X", ("development", "production"), "development")
    monkeypatch.setenv("OUTPOST_X", "off")
    assert env_bool("OUTPOST_X", default=True) is False
