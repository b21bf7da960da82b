"""Benchmark: a city's mixed load (Locust, headless, loopback) against gunicorn + PostgreSQL.

    python bench/jiangsu/mixed_load.py [--fraction 0.01] [--users 200] [--seconds 60]
                                       [--pg-dsn DSN] [--strict]

Generates 1/10 江苏 at --fraction and loads boundaries, standard addresses and a year of cases
(the fraction of 2M) into a throwaway database (`jiangsu_mixed`, dropped after) through the
product's importers; gives every grid its grid worker with an API token; starts gunicorn as
deployed (outpost/core/deploy/gunicorn.conf.py: 2×cores+1 workers, production settings) with one
extra URL, a bare Django JSON view (the anchor); then runs Locust for --seconds with --users:
grid workers reporting (POST /api/v1/cases) and listing (GET /api/v1/cases), the command rooms'
dispatch boards polling their feed (GET /command/<station>/board.json, each signed in as the
room's duty officer), residents opening their case's status page, and the anchor. Prints
p50/p95/p99 and requests/s per kind and PASS/FAIL against the goals (intake p95 < 100 ms, list
p95 < 150 ms, no errors), which are set for 2M cases: at a smaller fraction it says how many
cases the figures were measured on.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import generate  # noqa: E402
from bench.throwaway import database_url, django_on, throwaway_database  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "jiangsu_mixed"
GOALS = {"intake": 100.0, "list": 150.0}  # p95 in ms
PROFILES = ["city", "stress"]  # see locustfile.py
CITY_ANCHORS = 2  # the city profile's anchor probes, beside --users people
# People with Outpost open at 1/10 江苏's peak hour (locustfile.py): --users is this share of it,
# and the boards open are the same share of the city's command rooms.
PEAK_PEOPLE = 740


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument(
        "--cases",
        type=int,
        help="cases in the database: the fraction's districts get their share through the "
        "product's importers, the other districts the rest by a bulk SQL copy (bulk_cases.py)",
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", choices=[*PROFILES, "both"], default="city")
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    parser.add_argument("--db", default=DB_NAME, help="the database's name")
    parser.add_argument(
        "--citus-dsn",
        help="run against a throwaway district schema on this Citus coordinator instead "
        "(one district: --fraction 0.01; the cluster from `OUTPOST_CITUS_KEEP=1 make test-citus`)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="run on the database --keep left")
    parser.add_argument("--server-log", default="/tmp/jiangsu_mixed_gunicorn.log")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless every goal is PASS")
    return parser.parse_args(argv)


def production_env(var: Path) -> dict[str, str]:
    """Production settings, as docs/deploy.md sets them; plain HTTP on loopback (no nginx)."""
    return {
        "OUTPOST_ENV": "production",
        "OUTPOST_SECRET_KEY": secrets.token_urlsafe(48),
        "OUTPOST_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "OUTPOST_VAR_DIR": str(var),
        "OUTPOST_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "OUTPOST_REQUIRE_TOTP": "false",
        "OUTPOST_SSL_REDIRECT": "false",
        "OUTPOST_TRUSTED_PROXIES": "1",  # residents' addresses arrive as nginx would send them
        "OUTPOST_LANGUAGE": "zh-hans",
    }


def load(folder: Path, manifest: dict[str, Any], cases: int | None) -> int:
    """Boundaries, addresses and cases of the fraction's districts through the importers; with
    `cases`, those districts get their share of it and the others the rest in bulk. Returns the
    cases in the database."""
    from bench.jiangsu.bulk_cases import add_cases
    from bench.jiangsu.load import Steps, load_boundaries, load_cases, load_registry
    from bench.jiangsu.places import districts

    steps = Steps()
    load_boundaries(folder, steps)
    load_registry(folder, "addresses", steps)
    loaded = manifest["districts"]
    share = manifest["cases"] if cases is None else cases * len(loaded) // len(districts())
    load_cases(loaded, share, manifest["seed"], steps)
    return share + (add_cases(loaded, cases) if cases else 0)


def workers_and_codes(out: Path) -> int:
    """A grid worker with a token for every grid; tracking codes and sub-types for Locust."""
    from django.core.management import call_command
    from django.utils import timezone

    from outpost.accounts.demo import create_staff_roster
    from outpost.accounts.models import ApiToken, User
    from outpost.cases.models import Case, SubType
    from outpost.core.crypto import keyed_hash
    from outpost.registry.models import StandardAddress

    call_command("collectstatic", "--noinput", verbosity=0)  # production pages need the manifest
    create_staff_roster()
    expires = timezone.now() + dt.timedelta(days=1)
    workers = []
    doors = dict(StandardAddress.objects.filter(level="door").values_list("grid_code", "id"))
    points = {
        a.grid_code: (a.lon, a.lat) for a in StandardAddress.objects.filter(id__in=doors.values())
    }
    for user in User.objects.filter(username__startswith="gw"):
        grid = user.username[2:]
        if grid not in points:
            continue
        token = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=user, token_hash=keyed_hash(token, purpose="api_token"), expires_at=expires
        )
        workers.append({"token": token, "point": points[grid]})
    tracking = list(Case.objects.order_by("?").values_list("tracking_code", flat=True)[:2000])
    subtypes = list(
        SubType.objects.filter(
            active=True, default_owner="grid", category__restricted=False
        ).values_list("code", flat=True)
    )
    data = {"workers": workers, "tracking": tracking, "subtypes": subtypes[:20]}
    out.write_text(json.dumps({**data, **board_sessions()}))
    return len(workers)


def board_sessions() -> dict[str, Any]:
    """A duty officer (值班员) signed in at every command room the loaded districts have, as the
    room's board keeps its session: the session keys for Locust, and how many rooms 1/10 江苏
    has (the loaded districts' rooms scaled to every district)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bench.jiangsu.places import districts
    from outpost.accounts.models import User
    from outpost.accounts.roles import Role
    from outpost.accounts.services import grant_role
    from outpost.geo.models import CommandRoom

    boards = []
    for station in CommandRoom.objects.values_list("station__code", flat=True):
        user, _ = User.objects.get_or_create(username=f"duty{station}")
        grant_role(user, Role.DUTY_OFFICER, station, actor=None)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        boards.append({"session": session.session_key, "station": station})
    loaded = {b["station"][:6] for b in boards}
    rooms = round(len(boards) * len(districts()) / max(len(loaded), 1))
    return {"boards": boards, "city_rooms": rooms}


def with_boards(data: Path) -> None:
    """A kept run's data gets fresh board sessions (they expire after a working day)."""
    saved = json.loads(data.read_text())
    data.write_text(json.dumps({**saved, **board_sessions()}))


def forget_earlier_runs() -> int:
    """Remove the cases earlier runs on a kept database reported, so every run starts from the
    database as loaded: otherwise each run leaves ~80 reports waiting on two rooms' boards
    that nobody dispatches (the load has no dispatcher), and the boards grow run after run.
    The loaded cases have no reporter account; the load's own reports are the grid workers'."""
    from outpost.cases.models import Case

    reported = Case.objects.filter(reporter__username__startswith="gw")
    return reported.delete()[1].get("cases.Case", 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "outpost/core/deploy/gunicorn.conf.py"),
        "--access-logfile",
        "/dev/null",
        "outpost.wsgi",
    ]
    env = {
        **env,
        "OUTPOST_BIND": f"127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "bench.jiangsu.anchor_settings",
    }
    with log.open("wb") as handle:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=handle)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/anchor.json", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:]}")


def ensure_locust() -> None:
    """Locust is a benchmark tool, not a dependency of the app: the `bench` extra installs it."""
    if not (BIN / "locust").exists():
        pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[bench]"]
        subprocess.run(pip, check=True)


def run_locust(env: dict[str, str], port: int, args: argparse.Namespace, csv_prefix: Path) -> None:
    ensure_locust()
    boards = open_boards(Path(env["JIANGSU_LOCUST_DATA"]), args.users)
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench/jiangsu/locustfile.py"),
        "--headless",
        "-u",
        str(args.users + (CITY_ANCHORS + boards if env["JIANGSU_PROFILE"] == "city" else 0)),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**env, "JIANGSU_ANCHORS": str(CITY_ANCHORS), "JIANGSU_BOARDS": str(boards)}
    subprocess.run(command, env=env, cwd=ROOT, check=False, capture_output=True)


def open_boards(data: Path, users: int) -> int:
    """How many boards poll beside `users` people: the city's rooms at the same share."""
    rooms = json.loads(data.read_text()).get("city_rooms", 0)
    return max(1, round(rooms * users / PEAK_PEOPLE)) if rooms else 0


def report(csv_prefix: Path, cases: int, args: argparse.Namespace, profile: str) -> bool:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8", newline="") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    print(
        f"\nprofile {profile}: {args.users} users for {args.seconds} s against gunicorn + "
        f"{'Citus (3 nodes)' if args.citus_dsn else 'PostgreSQL'}, {cases:,} cases in the "
        "database (the goals are set for 2,000,000):"
    )
    print(f"{'request':<34}{'count':>8}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}")
    for name, row in stats.items():
        print(
            f"{name:<34}{row['Request Count']:>8}{row['Failure Count']:>6}{row['50%']:>7}"
            f"{row['95%']:>7}{row['99%']:>7}{float(row['Requests/s']):>8.1f}"
        )
    achieved = float(stats["Aggregated"]["Requests/s"])
    print(f"requests/s achieved (all kinds, over the whole run with its ramp-up): {achieved:.1f}")
    ok = True
    for kind, goal in GOALS.items():
        row = next((r for n, r in stats.items() if n.startswith(kind)), None)
        if row is None:
            print(f"GOAL {kind} p95 < {goal:.0f} ms: FAIL (no {kind} request in this run)")
            ok = False
            continue
        p95 = float(row["95%"])
        passed = p95 < goal
        ok &= passed
        print(
            f"GOAL {kind} p95 < {goal:.0f} ms ({p95:.0f} ms at {cases:,} cases, {profile}): "
            f"{'PASS' if passed else 'FAIL'}"
        )
    failures = int(stats["Aggregated"]["Failure Count"])
    with open(f"{csv_prefix}_failures.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            print(f"  failed {row['Occurrences']}× {row['Name']}: {row['Error'][:200]}")
    print(f"GOAL no errors ({failures}): {'PASS' if failures == 0 else 'FAIL'}")
    return ok and failures == 0


def serve_and_run(args: argparse.Namespace, folder: Path, data: Path, cases: int) -> bool:
    """gunicorn on the database Django is set up on; Locust once per profile; the reports."""
    env = {**os.environ, "JIANGSU_LOCUST_DATA": str(data)}
    port = free_port()
    server = start_gunicorn(env, port, folder / "gunicorn.log")
    ok = True
    try:
        for profile in PROFILES if args.profile == "both" else [args.profile]:
            print(f"\nprofile {profile}: load average {os.getloadavg()[0]:.2f}", flush=True)
            run_locust({**env, "JIANGSU_PROFILE": profile}, port, args, folder / profile)
            ok &= report(folder / profile, cases, args, profile)
    finally:
        server.terminate()
        server.wait(30)
        shutil.copy(folder / "gunicorn.log", args.server_log)
    print(f"gunicorn's log (errors and tracebacks): {args.server_log}")
    return ok


def reuse(args: argparse.Namespace, folder: Path, state: Path) -> bool:
    """Run against the database a `--keep` run left (its keys and tokens from `state`)."""
    os.environ.update(json.loads(state.read_text()))
    with django_on(database_url(args.pg_dsn, args.db)):
        from django.core.management import call_command

        from outpost.cases.models import Case

        call_command("collectstatic", "--noinput", verbosity=0)
        print(f"cases reported by earlier runs, removed: {forget_earlier_runs():,}")
        cases = Case.objects.count()
        with_boards(state.with_suffix(".data.json"))
        return serve_and_run(args, folder, state.with_suffix(".data.json"), cases)


def target_database(args: argparse.Namespace, districts: list[Any]) -> Any:
    """A throwaway database on the single PostgreSQL, or with --citus-dsn a throwaway district
    schema on the Citus coordinator (a deployment serves one district: docs/scale.md)."""
    if not args.citus_dsn:
        return throwaway_database(args.pg_dsn, args.db, keep=args.keep)
    from bench.citus_vs_pg import throwaway_schema

    if len(districts) != 1 or args.keep:
        raise SystemExit("--citus-dsn: one district (--fraction 0.01), without --keep")
    return throwaway_schema(args.citus_dsn, f"d{districts[0]}")


def fresh(args: argparse.Namespace, folder: Path, state: Path) -> bool:
    """Generate, load (and with --cases copy the rest in bulk), then run."""
    env = production_env(folder / "var")
    os.environ.update(env)
    if args.keep:
        state.write_text(json.dumps(env))
    data = state.with_suffix(".data.json") if args.keep else folder / "locust.json"
    manifest = generate(folder / "data", 1.0, args.fraction, args.seed, people=False)
    with target_database(args, manifest["districts"]):
        from outpost.core.context import request_context

        with request_context("command"):
            cases = load(folder / "data", manifest, args.cases)
            workers = workers_and_codes(data)
        print(f"{workers} grid workers with tokens, {cases:,} cases", flush=True)
        return serve_and_run(args, folder, data, cases)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    state = Path(tempfile.gettempdir()) / f"{args.db}.env.json"
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        ok = (reuse if args.reuse else fresh)(args, Path(tmp), state)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
