"""`outpost deploy render`: nginx's site file and the systemd units carry the app's own limits and
paths, and nginx itself accepts the file (`nginx -t`)."""

import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from tests.deploy.test_production import _certificate, _nginx_conf


def _render(tmp_path: Path) -> Path:
    _ca, crt, key = _certificate(tmp_path)
    call_command(
        *["deploy", "render", "--to", str(tmp_path / "conf"), "--server-name", "outpost.test"],
        *["--certificate", str(crt), "--certificate-key", str(key)],
        *["--https-port", "8443", "--upstream", "127.0.0.1:9001", "--upstream", "127.0.0.1:9002"],
        stdout=StringIO(),
    )
    return tmp_path / "conf"


def test_it_gives_nginx_the_apps_own_body_limit_and_upstreams(
    settings: Any, tmp_path: Path
) -> None:
    settings.OUTPOST_MAX_REQUEST_BYTES = 5 * 1024 * 1024 + 1  # nginx must not refuse less
    site = (_render(tmp_path) / "outpost.nginx.conf").read_text()
    assert "client_max_body_size 6m;" in site
    assert "server 127.0.0.1:9001 fail_timeout=0;" in site
    assert "server 127.0.0.1:9002 fail_timeout=0;" in site
    assert "return 301 https://$host:8443$request_uri;" in site
    assert f"alias {Path(settings.STATIC_ROOT).resolve()}/;" in site
    assert "/media/" not in site.replace("# Uploaded", "")  # uploads only through the app


def test_it_writes_services_that_restart_and_run_this_installation(
    settings: Any, tmp_path: Path
) -> None:
    conf = _render(tmp_path)
    for unit in ("outpost-web", "outpost-worker", "outpost-sweep"):
        text = (conf / f"{unit}.service").read_text()
        assert "Restart=always" in text
        program = Path(text.split("ExecStart=")[1].split()[0])
        assert program.is_file(), program  # the virtualenv's own gunicorn / outpost
        assert f"ReadWritePaths={Path(settings.VAR_DIR).resolve()}" in text
    assert "OnCalendar=" in (conf / "outpost-backup.timer").read_text()


def test_it_schedules_the_call_models_retraining_every_night(tmp_path: Path) -> None:
    """The 110 call model is retrained from the operators' corrections by a timer, as this
    installation's own `outpost calls retrain` (adopted only when no worse: calls.learning)."""
    conf = _render(tmp_path)
    timer = (conf / "outpost-calls-retrain.timer").read_text()
    assert "OnCalendar=*-*-* 03:30:00" in timer and "Persistent=true" in timer
    service = (conf / "outpost-calls-retrain.service").read_text()
    command = service.split("ExecStart=")[1].split("\n")[0].split()
    assert Path(command[0]).is_file() and command[1:] == ["calls", "retrain"]
    assert "Type=oneshot" in service
    assert "@" not in "".join(p.read_text().replace("#", "") for p in conf.glob("*.service"))


def test_it_renders_a_site_nginx_accepts(tmp_path: Path) -> None:
    conf = _render(tmp_path)
    main = _nginx_conf(tmp_path, conf / "outpost.nginx.conf")
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(main)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
