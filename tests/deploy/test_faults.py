"""Faults on purpose: PostgreSQL stopped under the running app (gunicorn, the sweep loop) and
started again. What the user sees: 503 with Retry-After, never a 500 or a half-saved case; what
is lost: nothing (the case written before is there, the one refused during the outage is not);
the app and the sweep recover by themselves. Our own cluster, so the shared server is untouched.
Run by `.ci/run` with the production stack (`pytest -m deploy`)."""

import lzma
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.deploy.test_production import BIN, ROOT, _first_grid, _free_port
from tests.deploy.test_replica import PG_BIN, _as_postgres, _outpost, _start, _stop

pytestmark = pytest.mark.deploy
PASSWORD = "long-password-2026"


@dataclass
class App:
    url: str
    data: Path
    port: int
    point: tuple[float, float]
    sweep: subprocess.Popen[bytes]
    logs: Path
    env: dict[str, str]


def _wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    folder = Path(tempfile.mkdtemp(prefix="outpost-faults-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port, web = folder / "db", _free_port(), _free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    _start(data, port)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/outpost",
        "OUTPOST_VAR_DIR": str(folder / "var"),
        "OUTPOST_DEBUG": "false",
        "OUTPOST_LANGUAGE": "en",
        "OUTPOST_BIND": f"127.0.0.1:{web}",
        "OUTPOST_WORKERS": "2",
        "OUTPOST_IMPORT_STALL_SECONDS": "4",  # a silent job is recovered within seconds here
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "outpost")
        grid, point = _first_grid()
        _outpost(env, "migrate", "--noinput", "--verbosity", "0")
        _outpost(env, "geo", "import", str(ROOT / "data/gulou"))
        _outpost(env, "cases", "load-taxonomy")
        role = ["--role", "grid_worker", "--scope", grid, "--password-stdin"]
        _outpost(env, "users", "add", "worker", *role, stdin=PASSWORD)
        admin = ["--role", "admin", "--scope", "320106000000", "--password-stdin"]
        _outpost(env, "users", "add", "admin", *admin, stdin=PASSWORD)
        conf = str(ROOT / "outpost/core/deploy/gunicorn.conf.py")
        logs = folder / "var"
        with (logs / "web.log").open("wb") as web_log, (logs / "sweep.log").open("wb") as sweep_log:
            gunicorn = [str(BIN / "gunicorn"), "-c", conf, "outpost.wsgi"]
            processes.append(subprocess.Popen(gunicorn, env=env, stdout=web_log, stderr=web_log))
            sweep = [str(BIN / "outpost"), "cases", "sweep", "--loop", "1"]
            processes.append(subprocess.Popen(sweep, env=env, stdout=sweep_log, stderr=sweep_log))
        _wait(f"http://127.0.0.1:{web}/accounts/login/")
        yield App(f"http://127.0.0.1:{web}", data, port, point, processes[1], logs, env)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        if (data / "postmaster.pid").exists():
            _stop(data)
        shutil.rmtree(folder, ignore_errors=True)


def _signed_in(app: App, username: str = "worker") -> requests.Session:
    browser = requests.Session()
    browser.trust_env = False
    login = f"{app.url}/accounts/login/"
    browser.get(login)
    token = browser.cookies["csrftoken"]
    form = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    assert "/accounts/login/" not in browser.post(login, data=form).url
    return browser


def _report(app: App, browser: requests.Session, title: str) -> requests.Response:
    lon, lat = app.point
    body: dict[str, Any] = {"subtype": "0101", "title": title, "lon": lon, "lat": lat}
    csrf = {"X-CSRFToken": str(browser.cookies["csrftoken"])}
    return browser.post(f"{app.url}/api/v1/cases", json=body, headers=csrf)


def _titles(app: App, browser: requests.Session) -> list[str]:
    answer = browser.get(f"{app.url}/api/v1/cases")
    assert answer.status_code == 200, answer.text[:300]
    return [c["title"] for c in answer.json()["items"]]


def test_it_answers_503_while_postgresql_is_down_and_recovers_with_nothing_lost(app: App) -> None:
    browser = _signed_in(app)
    assert _report(app, browser, "停库之前上报").status_code == 201

    _stop(app.data)
    page = browser.get(f"{app.url}/cases/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    refused = _report(app, browser, "停库期间上报")
    assert refused.status_code == 503, refused.text[:300]
    assert refused.json()["detail_en"].startswith("The records cannot be reached")
    time.sleep(2)  # the sweep's rounds fail meanwhile

    _start(app.data, app.port)
    assert _titles(app, browser) == ["停库之前上报"]  # nothing lost, nothing half-saved
    assert _report(app, browser, "恢复之后上报").status_code == 201
    assert app.sweep.poll() is None  # the loop logged its failed rounds and carried on
    assert "round failed" in (app.logs / "sweep.log").read_text()


def _job(app: App, browser: requests.Session, job_id: int) -> dict[str, Any]:
    answer = browser.get(f"{app.url}/api/v1/registry/imports/{job_id}")
    assert answer.status_code == 200, answer.text[:300]
    return dict(answer.json())


def _until(check: Any, seconds: float = 300) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    raise AssertionError("waited in vain")


def test_it_finishes_an_import_whose_worker_was_killed_and_writes_each_row_once(
    app: App,
) -> None:
    """kill -9 of the background worker half-way through checking 45,057 addresses: the job is
    not stuck "running"; the sweep queues it again, the next worker imports every row once."""
    browser = _signed_in(app, "admin")
    log = (app.logs / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(BIN / "outpost"), "db_worker"], env=app.env, stdout=log, stderr=log
    )
    upload = lzma.decompress((ROOT / "data/gulou/addresses.csv.xz").read_bytes())
    sent = browser.post(
        f"{app.url}/api/v1/registry/imports",
        data={"kind": "addresses"},
        files={"file": ("addresses.csv", upload)},
        headers={"X-CSRFToken": str(browser.cookies["csrftoken"])},
    )
    assert sent.status_code == 202, sent.text[:300]
    job_id = sent.json()["id"]
    checking = _until(lambda: (j := _job(app, browser, job_id))["rows_done"] >= 2000 and j)
    assert checking["status"] == "running", checking
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed = _job(app, browser, job_id)
    assert killed["status"] == "running" and killed["counts"] == {}  # nothing written yet

    _until(lambda: _job(app, browser, job_id)["status"] == "queued", seconds=60)
    again = subprocess.Popen(
        [str(BIN / "outpost"), "db_worker"], env=app.env, stdout=log, stderr=log
    )
    try:
        done = _until(
            lambda: (
                (j := _job(app, browser, job_id))["status"] != "queued"
                and j["status"] != "running"
                and j
            )
        )
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=60)
    assert done["status"] == "done", done
    assert sum(done["counts"].values()) == 45057 == done["rows_total"]
    import psycopg

    with psycopg.connect(app.env["DATABASE_URL"]) as db:
        stored = db.execute("SELECT count(*) FROM registry_standardaddress").fetchone()
    assert stored == (45057,)  # every row once: the killed run left none behind
