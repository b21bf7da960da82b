"""Fill the deployment templates beside this module from settings and the operator's choices, so
nginx's body limit, static root and the services' paths come from one place."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent
UNITS = (
    "outpost-web.service",
    "outpost-worker.service",
    "outpost-sweep.service",
    "outpost-backup.service",
    "outpost-backup.timer",
    "outpost-calls-retrain.service",
    "outpost-calls-retrain.timer",
)


@dataclass
class Site:
    """What differs between deployments; the rest is read from settings."""

    server_name: str
    certificate: Path
    certificate_key: Path
    http_port: int = 80
    https_port: int = 443
    upstreams: list[str] = field(default_factory=lambda: ["127.0.0.1:8001"])
    user: str = "outpost"
    env_file: Path = Path("/etc/outpost/outpost.env")
    venv: Path = Path(sys.prefix)
    backup_dir: Path = Path("/var/backups/outpost")
    sweep_seconds: int = 60


def max_body() -> str:
    """The app's own request limit, in whole megabytes for nginx (never below it)."""
    return f"{math.ceil(settings.OUTPOST_MAX_REQUEST_BYTES / (1024 * 1024))}m"


def values(site: Site) -> dict[str, str]:
    return {
        "UPSTREAMS": "\n    ".join(f"server {u} fail_timeout=0;" for u in site.upstreams),
        "HTTP_PORT": str(site.http_port),
        "HTTPS_PORT": str(site.https_port),
        "HTTPS_SUFFIX": "" if site.https_port == 443 else f":{site.https_port}",
        "SERVER_NAME": site.server_name,
        "CERTIFICATE": str(site.certificate),
        "CERTIFICATE_KEY": str(site.certificate_key),
        "MAX_BODY": max_body(),
        "STATIC_ROOT": str(Path(settings.STATIC_ROOT).resolve()),
        "HSTS_SECONDS": str(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 31536000),
        "USER": site.user,
        "ENV_FILE": str(site.env_file),
        "VAR_DIR": str(Path(settings.VAR_DIR).resolve()),
        "VENV": str(site.venv),
        "DEPLOY_DIR": str(HERE),
        "BACKUP_DIR": str(site.backup_dir),
        "SWEEP_SECONDS": str(site.sweep_seconds),
    }


def fill(template: str, filled: dict[str, str]) -> str:
    for name, value in filled.items():
        template = template.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", template)
    if left:
        raise ValueError(f"placeholders without a value: {left}")
    return template


def render(site: Site, folder: Path) -> list[Path]:
    """Write nginx's site file and the systemd units into `folder`; returns what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    filled = values(site)
    written = []
    for name in ("nginx.conf", *UNITS):
        target = folder / ("outpost.nginx.conf" if name == "nginx.conf" else name)
        target.write_text(fill((HERE / f"{name}.in").read_text(), filled))
        written.append(target)
    return written
