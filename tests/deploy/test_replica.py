"""A real streaming replica: a primary and a standby cluster of our own (initdb, pg_basebackup),
replay paused on the standby so it is visibly behind. Lists come from the replica; the worker who
wrote reads their own write from the primary; with the replica stopped, lists come from the
primary without an error. Run by `.ci/run` with the production stack (`pytest -m deploy`)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.test_production import ROOT, _first_grid, _free_port

pytestmark = pytest.mark.deploy

PG_BIN = Path("/usr/lib/postgresql/15/bin")
OUTPOST = Path(sys.executable).parent / "outpost"


def _as_postgres(*command: str) -> None:
    """Cluster programs refuse to run as root: run them as the postgres account then."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run([*prefix, *command], capture_output=True, text=True)
    assert done.returncode == 0, f"{command[0]}: {done.stdout[-1500:]} {done.stderr[-1500:]}"


def _start(data: Path, port: int) -> None:
    options = f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1"
    _as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", f"{data}.log", "-w", "start"
    )


def _stop(data: Path) -> None:
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[str, str, Path]]:
    # Not under pytest's own temporary folder: the postgres account cannot enter that one.
    folder = Path(tempfile.mkdtemp(prefix="outpost-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    primary, standby = folder / "primary", folder / "standby"
    ports = _free_port(), _free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres")
    _start(primary, ports[0])
    try:
        _as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(ports[0]), "outpost")
        _as_postgres(
            *[str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0])],
            *["-U", "postgres", "-D", str(standby), "-R", "-X", "stream"],
        )
        _start(standby, ports[1])
        yield (
            f"postgres://postgres@127.0.0.1:{ports[0]}/outpost",
            f"postgres://postgres@127.0.0.1:{ports[1]}/outpost",
            standby,
        )
    finally:
        for data in (standby, primary):
            if (data / "postmaster.pid").exists():
                _stop(data)
        shutil.rmtree(folder, ignore_errors=True)


def _outpost(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(OUTPOST), *args], env=env, input=stdin, capture_output=True, text=True
    )
    assert done.returncode == 0, f"outpost {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


SCRIPT = """
import json, os, time, psycopg
from django.test import Client
from outpost.accounts.models import User

def signed_in(name):
    client = Client()
    client.force_login(User.objects.get(username=name))
    return client

def numbers(client):
    answer = client.get("/api/v1/cases")
    return answer.status_code, [c["number"] for c in answer.json()["items"]]

out = {}
if os.environ["STEP"] == "write":
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as primary:
        lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(os.environ["OUTPOST_REPLICA_URL"], autocommit=True) as standby:
        for _ in range(100):  # caught up with the setup first
            if standby.execute("SELECT pg_last_wal_replay_lsn() >= %s", [lsn]).fetchone()[0]:
                break
            time.sleep(0.1)
        standby.execute("SELECT pg_wal_replay_pause()")
    worker, reader = signed_in("worker"), signed_in("reader")
    body = json.loads(os.environ["CASE"])
    made = worker.post("/api/v1/cases", body, content_type="application/json")
    out["made"] = made.status_code, made.json().get("number")
    out["reader"] = numbers(reader)
    out["worker"] = numbers(worker)
else:
    out["reader"] = numbers(signed_in("reader"))
print("RESULT" + json.dumps(out))
"""


def _run(env: dict[str, str], step: str, case: dict[str, object]) -> dict[str, list]:
    printed = _outpost(
        {**env, "STEP": step, "CASE": json.dumps(case)}, "shell", "--no-imports", "-c", SCRIPT
    )
    return json.loads(printed.split("RESULT", 1)[1])


def test_it_reads_lists_from_the_replica_and_falls_back_when_it_stops(
    clusters: tuple[str, str, Path], tmp_path: Path
) -> None:
    primary, replica, standby = clusters
    env = {
        **os.environ,
        "DATABASE_URL": primary,
        "OUTPOST_VAR_DIR": str(tmp_path / "var"),
        "OUTPOST_LANGUAGE": "en",
    }
    grid, (lon, lat) = _first_grid()
    _outpost(env, "migrate", "--noinput", "--verbosity", "0")
    _outpost(env, "geo", "import", str(ROOT / "data/gulou"))
    _outpost(env, "cases", "load-taxonomy")
    for user in ("worker", "reader"):
        role = ["--role", "grid_worker", "--scope", grid]
        _outpost(env, "users", "add", user, *role, "--password-stdin", stdin="long-password-2026")
    env["OUTPOST_REPLICA_URL"] = replica
    case = {"subtype": "0101", "title": "楼道堆物堵塞通道", "lon": lon, "lat": lat}

    seen = _run(env, "write", case)
    status, number = seen["made"]
    assert status == 201
    assert seen["reader"] == [200, []]  # from the replica, whose replay is paused
    assert seen["worker"] == [200, [number]]  # who wrote reads their write (the primary)

    _stop(standby)
    after = _run(env, "read", case)
    assert after["reader"] == [200, [number]]  # the primary answers; no error
