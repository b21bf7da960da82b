"""Faults on purpose against the running app (gunicorn with two workers, the sweep loop, the
background worker where a job needs one) on a PostgreSQL cluster of our own, so the shared
server is untouched: PostgreSQL stopped and started again; kill -9 of an app process inside a
case action, after it committed, and during an import upload; the background worker killed in
the middle of an import, and inside its writing transaction twice; the upload disk full. Each
test says what the user saw and checks that nothing was lost (docs/deploy.md, "Faults
survived", has the table). Run by `.ci/run` with the production stack (`pytest -m deploy`)."""

import hashlib
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

import psycopg
import pytest
import requests

from tests.deploy.disks import fill, kept_files, noise_png
from tests.deploy.processes import (
    children,
    in_background,
    session_gone,
    waiting_process,
)
from tests.deploy.test_production import BIN, ROOT, _first_grid, _free_port
from tests.deploy.test_replica import PG_BIN, _as_postgres, _outpost, _start, _stop

pytestmark = pytest.mark.deploy
PASSWORD = "long-password-2026"
ENDED = ("done", "failed")
ZERO = {"created": 0, "submitted": 0, "merged": 0, "unchanged": 0, "rejected": 0}


@dataclass
class App:
    url: str
    data: Path
    port: int
    point: tuple[float, float]
    sweep: subprocess.Popen[bytes]
    logs: Path
    env: dict[str, str]
    master: int  # gunicorn's master process: its children are the workers that answer


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
        "OUTPOST_DB_CONN_MAX_AGE": "300",  # connections kept between requests, as in production
        "OUTPOST_IMPORT_STALL_SECONDS": "4",  # a silent job is recovered within seconds here
        "OUTPOST_WEBHOOK_ALLOW_PRIVATE": "true",  # the outbox's subscriber: a closed local port
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
        street = ["--role", "street_commander", "--scope", grid[:9] + "000", "--password-stdin"]
        _outpost(env, "users", "add", "commander", *street, stdin=PASSWORD)
        conf = str(ROOT / "outpost/core/deploy/gunicorn.conf.py")
        logs = folder / "var"
        with (logs / "web.log").open("wb") as web_log, (logs / "sweep.log").open("wb") as sweep_log:
            gunicorn = [str(BIN / "gunicorn"), "-c", conf, "outpost.wsgi"]
            processes.append(subprocess.Popen(gunicorn, env=env, stdout=web_log, stderr=web_log))
            sweep = [str(BIN / "outpost"), "cases", "sweep", "--loop", "1"]
            processes.append(subprocess.Popen(sweep, env=env, stdout=sweep_log, stderr=sweep_log))
        _wait(f"http://127.0.0.1:{web}/accounts/login/")
        url, master = f"http://127.0.0.1:{web}", processes[0].pid
        yield App(url, data, port, point, processes[1], logs, env, master)
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


def _db(app: App, autocommit: bool = True) -> psycopg.Connection[Any]:
    return psycopg.connect(app.env["DATABASE_URL"], autocommit=autocommit)


def _act(app: App, browser: requests.Session, number: str, action: str) -> requests.Response:
    csrf = {"X-CSRFToken": str(browser.cookies["csrftoken"])}
    url = f"{app.url}/api/v1/cases/{number}/actions/{action}"
    return browser.post(url, json={}, headers=csrf, timeout=60)


def _subscribe(app: App, browser: requests.Session) -> None:
    """An outbox for every case event (to a closed port: the rows stay to be counted)."""
    body = {"url": f"http://127.0.0.1:{_free_port()}/hook", "events": []}
    csrf = {"X-CSRFToken": str(browser.cookies["csrftoken"])}
    made = browser.post(f"{app.url}/api/v1/webhooks", json=body, headers=csrf)
    assert made.status_code == 201, made.text[:300]


def _written(db: psycopg.Connection[Any], number: str, action: str) -> tuple[str, int, int]:
    """The case's state, its timeline rows for the action and its outbox rows for the event."""
    case_id, state = db.execute(
        "SELECT id, state FROM cases_case WHERE number = %s", (number,)
    ).fetchone() or (0, "")
    timeline = db.execute(
        "SELECT count(*) FROM cases_timelineentry WHERE case_id = %s AND action = %s",
        (case_id, action),
    ).fetchone()
    outbox = db.execute(
        "SELECT count(*) FROM cases_webhookdelivery WHERE event = %s "
        "AND payload -> 'case' ->> 'number' = %s",
        (f"case.{action}", number),
    ).fetchone()
    return state, int(timeline[0] if timeline else 0), int(outbox[0] if outbox else 0)


def _kill_the_one_waiting(app: App, watch: psycopg.Connection[Any], statement: str) -> int:
    """SIGKILL the gunicorn worker whose database session waits on the test's lock."""
    victim, port = waiting_process(watch, statement, children(app.master))
    os.kill(victim, signal.SIGKILL)
    return port


def _replaced(app: App, before: set[int]) -> None:
    """gunicorn's master has started a new worker in place of the killed one."""
    _until(lambda: len(now := children(app.master)) == len(before) and now != before, 60)


def test_it_rolls_back_a_case_action_whose_app_process_was_killed_mid_transaction(
    app: App,
) -> None:
    """kill -9 of the gunicorn worker while 受理 (accept) is inside its transaction: the state has
    changed and the outbox row is written, the timeline row waits on a lock the test holds. What
    is lost: nothing; the action is absent as a whole and the user's retry takes it once."""
    worker, commander = _signed_in(app), _signed_in(app, "commander")
    _subscribe(app, commander)
    number = _report(app, worker, "受理时进程被杀").json()["number"]
    before = children(app.master)
    with _db(app) as watch, _db(app, autocommit=False) as holder:
        holder.execute("LOCK TABLE cases_timelineentry IN SHARE MODE")
        answer = in_background(lambda: _act(app, commander, number, "accept"))
        port = _kill_the_one_waiting(app, watch, 'INSERT INTO "cases_timelineentry"%')
        holder.rollback()
        assert isinstance(answer(), requests.ConnectionError)  # behind nginx: 502
        session_gone(watch, port)
        assert _written(watch, number, "accept") == ("reported", 0, 0)  # absent as a whole
        _replaced(app, before)
        again = _act(app, commander, number, "accept")
        assert again.status_code == 200 and again.json()["state"] == "accepted", again.text[:300]
        assert _written(watch, number, "accept") == ("accepted", 1, 1)


def test_it_keeps_a_committed_case_action_whose_app_process_was_killed_before_answering(
    app: App,
) -> None:
    """kill -9 after the action committed, while the answer was being read (a lock held on the
    attachments the answer lists): the action is whole; the user's retry is refused, so
    nothing is written twice."""
    worker, commander = _signed_in(app), _signed_in(app, "commander")
    number = _report(app, worker, "提交后进程被杀").json()["number"]
    before = children(app.master)
    with _db(app) as watch, _db(app, autocommit=False) as holder:
        holder.execute("LOCK TABLE cases_attachment IN ACCESS EXCLUSIVE MODE")
        answer = in_background(lambda: _act(app, commander, number, "accept"))
        victim, port = waiting_process(watch, '%"cases_attachment"%', children(app.master))
        assert _written(watch, number, "accept") == ("accepted", 1, 1)  # committed already
        os.kill(victim, signal.SIGKILL)
        holder.rollback()
        assert isinstance(answer(), requests.ConnectionError)
        session_gone(watch, port)
        _replaced(app, before)
        retry = _act(app, commander, number, "accept")
        assert retry.status_code == 422, retry.text[:300]  # the case says it moved on
        assert retry.json()["detail"] == "当前状态下不能执行此操作：accept"
        assert _written(watch, number, "accept") == ("accepted", 1, 1)  # not twice


def _addresses(first: int, last: int) -> bytes:
    """Rows first..last of the district's standard addresses, with the header."""
    lines = lzma.decompress((ROOT / "data/gulou/addresses.csv.xz").read_bytes()).splitlines()
    return b"\n".join([lines[0], *lines[first : last + 1]]) + b"\n"


def _upload(app: App, browser: requests.Session, name: str, data: bytes) -> requests.Response:
    return browser.post(
        f"{app.url}/api/v1/registry/imports",
        data={"kind": "addresses"},
        files={"file": (name, data)},
        headers={"X-CSRFToken": str(browser.cookies["csrftoken"])},
        timeout=60,
    )


def _db_worker(app: App) -> subprocess.Popen[bytes]:
    log = (app.logs / "worker.log").open("ab")
    return subprocess.Popen(
        [str(BIN / "outpost"), "db_worker"], env=app.env, stdout=log, stderr=log
    )


def _settled(app: App, browser: requests.Session, job_id: int) -> dict[str, Any]:
    return dict(_until(lambda: (j := _job(app, browser, job_id))["status"] in ENDED and j))


def _stored(db: psycopg.Connection[Any]) -> int:
    found = db.execute("SELECT count(*) FROM registry_standardaddress").fetchone()
    return int(found[0]) if found else 0


def _import_runs(
    app: App, browser: requests.Session, name: str, data: bytes, times: int = 1
) -> list[dict[str, Any]]:
    """Upload the file `times` times, one after the other, each run to its end by one worker."""
    worker, ended = _db_worker(app), []
    try:
        for _ in range(times):
            sent = _upload(app, browser, name, data)
            assert sent.status_code == 202, sent.text[:300]
            ended.append(_settled(app, browser, sent.json()["id"]))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    return ended


def test_it_stores_no_job_when_the_app_process_is_killed_during_the_upload(app: App) -> None:
    """kill -9 of the gunicorn worker with the upload's job row written and its queue entry
    waiting on a lock: neither is kept (no job "queued" that nothing would run); the user's
    upload again imports each row once, and the same file a third time creates nothing."""
    admin, rows = _signed_in(app, "admin"), _addresses(1, 200)
    before = children(app.master)
    with _db(app) as watch, _db(app, autocommit=False) as holder:
        stored, jobs = _stored(watch), watch.execute("SELECT count(*) FROM registry_importjob")
        jobs_before = jobs.fetchone()
        holder.execute("LOCK TABLE django_tasks_database_dbtaskresult IN SHARE MODE")
        answer = in_background(lambda: _upload(app, admin, "地址前200行.csv", rows))
        port = _kill_the_one_waiting(
            app, watch, 'INSERT INTO "django_tasks_database_dbtaskresult"%'
        )
        holder.rollback()
        assert isinstance(answer(), requests.ConnectionError)
        session_gone(watch, port)
        assert watch.execute("SELECT count(*) FROM registry_importjob").fetchone() == jobs_before
        _replaced(app, before)
        done, again = _import_runs(app, admin, "地址前200行.csv", rows, times=2)
        assert done["status"] == "done" and sum(done["counts"].values()) == 200, done["counts"]
        assert again["counts"] == {**ZERO, "unchanged": 200}, again["counts"]
        assert _stored(watch) == stored + 200  # nothing twice


def _kill_worker_in_its_write(app: App, watch: psycopg.Connection[Any]) -> None:
    """Start a worker, let it check the file and reach its one writing transaction, kill -9
    it there (the insert waits on the test's lock)."""
    worker = _db_worker(app)
    with _db(app, autocommit=False) as holder:
        holder.execute("LOCK TABLE registry_standardaddress IN SHARE MODE")
        insert = 'COPY "registry_standardaddress"%'  # the rows go in by COPY
        _, port = waiting_process(watch, insert, {worker.pid}, seconds=120)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        holder.rollback()
    session_gone(watch, port)


def test_it_fails_visibly_a_job_whose_worker_was_killed_twice_and_imports_it_once_again(
    app: App,
) -> None:
    """The background worker killed with -9 inside the import's writing transaction, twice: the
    sweep queues the job again after the first, fails it with a message after the second (never
    "running" for good); nothing of it was stored; the file uploaded again is imported once."""
    admin, rows = _signed_in(app, "admin"), _addresses(201, 400)
    with _db(app) as watch:
        stored = _stored(watch)
        sent = _upload(app, admin, "地址第201至400行.csv", rows)
        assert sent.status_code == 202, sent.text[:300]
        job_id = sent.json()["id"]
        _kill_worker_in_its_write(app, watch)
        _until(lambda: _job(app, admin, job_id)["status"] == "queued", seconds=60)
        _kill_worker_in_its_write(app, watch)
        failed = _until(lambda: (j := _job(app, admin, job_id))["status"] == "failed" and j, 60)
        assert "后台任务进程在此次导入中途停止了 2 次" in failed["error"], failed
        page = admin.get(f"{app.url}/registry/imports/{job_id}/")
        assert failed["error"] in page.text
        assert _stored(watch) == stored  # nothing half-written
        [done] = _import_runs(app, admin, "地址第201至400行.csv", rows)
        assert done["status"] == "done" and sum(done["counts"].values()) == 200, done["counts"]
        assert _stored(watch) == stored + 200


def _attach(
    app: App, browser: requests.Session, number: str, name: str, data: bytes
) -> requests.Response:
    csrf = {"X-CSRFToken": str(browser.cookies["csrftoken"])}
    url = f"{app.url}/api/v1/cases/{number}/attachments"
    return browser.post(url, files={"files": (name, data)}, headers=csrf, timeout=60)


@pytest.fixture
def small_disk(app: App) -> Iterator[Path]:
    """The upload folder on a 2 MB disk of its own."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk for the uploads needs root (CI runs as root)")
    media = app.logs / "media"
    media.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(media)], check=True)
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=True)


def test_it_refuses_uploads_on_a_full_disk_in_chinese_and_keeps_nothing_half(
    app: App, small_disk: Path
) -> None:
    """The upload disk full (ENOSPC from the kernel, a real tmpfs): the API answers 507 and
    the page a Chinese 507 page, no half file is left, no attachment row names a missing file,
    the photo kept before is intact, and with room again the same photo is kept whole."""
    worker = _signed_in(app)
    number = _report(app, worker, "磁盘写满").json()["number"]
    earlier = _attach(app, worker, number, "早先.png", noise_png(20))
    assert earlier.status_code == 201, earlier.text[:300]
    kept_before = kept_files(small_disk)
    filler = fill(small_disk, leave=64 * 1024)
    photo = noise_png(300)  # ~270 KB kept: more than is left

    refused = _attach(app, worker, number, "现场.png", photo)
    assert refused.status_code == 507, refused.text[:300]
    assert "存放上传文件的磁盘已满" in refused.json()["detail"]
    lon, lat = app.point
    form = {"subtype": "0603", "title": "磁盘满时上报", "urgency": "normal", "description": ""}
    form |= {
        "lon": str(lon),
        "lat": str(lat),
        "csrfmiddlewaretoken": str(worker.cookies["csrftoken"]),
    }
    page = worker.post(
        f"{app.url}/cases/report/", data=form, files={"photos": ("现场.png", photo)}, timeout=60
    )
    assert page.status_code == 507 and "存放上传文件的磁盘已满" in page.text
    assert "Traceback" not in page.text and '<html lang="zh-hans">' in page.text

    assert kept_files(small_disk) == kept_before  # no half file, no temporary file
    case = worker.get(f"{app.url}/api/v1/cases/{number}").json()
    assert [a["name"] for a in case["attachments"]] == ["早先.png"]  # every row has its file
    assert worker.get(app.url + case["attachments"][0]["url"]).status_code == 200
    assert "磁盘满时上报" not in _titles(app, worker)  # the report is not half filed

    filler.unlink()  # room again
    kept = _attach(app, worker, number, "现场.png", photo)
    assert kept.status_code == 201, kept.text[:300]
    served = worker.get(app.url + kept.json()[0]["url"]).content
    assert hashlib.sha256(served).hexdigest() in {p.stem for p in kept_files(small_disk)}


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
