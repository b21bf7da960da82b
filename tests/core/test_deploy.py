"""`outpost check --deploy` with production settings prints no warnings: secure cookies, HSTS,
TLS redirect, the TOTP requirement and the log retention all hold by default."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # A clean production environment: none of this run's settings, nor the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (set for Playwright's event loop; a deployment must not have it).
    skip = ("OUTPOST_", "DATABASE_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "outpost.settings",
        "OUTPOST_ENV": "production",
        "OUTPOST_VAR_DIR": str(tmp_path),
        "OUTPOST_SECRET_KEY": secrets.token_urlsafe(50),
        "OUTPOST_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "OUTPOST_ALLOWED_HOSTS": "outpost.example.cn",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "outpost.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deploy_checks_in_production(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_it_warns_when_production_turns_the_second_factor_off(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, OUTPOST_REQUIRE_TOTP="false")

    assert result.returncode != 0
    assert "outpost.W001" in result.stdout + result.stderr
