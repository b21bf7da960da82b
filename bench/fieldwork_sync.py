"""Benchmark: a phone's offline queue of 200 records, sent when the network returns.

    python bench/fieldwork_sync.py [--backend sqlite|postgresql|both] [--records 200]
                                   [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                                   [--strict]

For each database, in a subprocess of its own: migrate a new database, import 鼓楼区's
boundaries and the case taxonomy, make a grid worker with 30 care subjects in their grid. Then
the queue a day of offline work leaves: a patrol started, check-ins (one in ten with a 1600-px
photo), the patrol ended, 30 visits and reports with a photo each — `--records` in all. It is sent
through the whole HTTP stack (Django's test client: middleware, session, the API) in the batches
the phone uses (25 records, at most 18 photos), timed from the first request to the last answer
(after one untimed request, as a running server has its code loaded).
The anchor, measured in the same run: the same records sent one request per record through the
per-record endpoints (start, check-in, end, visit, case), as the online pages do. Then the whole
queue is sent again (its answers lost): nothing may be kept twice. Prints both times, records/s,
PASS/FAIL against the goal (< 10 s for 200 records on 2 cores); exits 0 unless --strict.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 10.0
SUBJECTS = 30
BENCH_DB = "outpost_bench_sync"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
RESULT_PREFIX = "BENCH-RESULT "
BATCH_RECORDS, BATCH_PHOTOS = 25, 18  # as the phone (fieldwork/app.js) sends


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless the goal is PASS")
    return parser.parse_args(argv)


@contextmanager
def database(backend: str, admin_dsn: str) -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as var:
        os.environ["OUTPOST_VAR_DIR"] = var
        os.environ["DJANGO_SETTINGS_MODULE"] = "outpost.settings"
        os.environ.setdefault("OUTPOST_DEBUG", "false")
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
            setup()
            yield
            return
        import psycopg

        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
            try:
                os.environ["DATABASE_URL"] = admin_dsn.rsplit("/", 1)[0] + f"/{BENCH_DB}"
                setup()
                yield
            finally:
                from django.db import connections

                connections.close_all()
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- the world -------------------------------------------------------------------------------


def world() -> tuple[Any, Any, list[str]]:
    """A grid worker, their grid and the keys of their care subjects."""
    from outpost.accounts.models import User
    from outpost.accounts.roles import Role
    from outpost.accounts.services import grant_role
    from outpost.cases.taxonomy import load_taxonomy
    from outpost.geo.boundaries import import_boundaries
    from outpost.geo.models import Grid

    import_boundaries(ROOT / "data" / "gulou")
    load_taxonomy()
    grid = Grid.objects.order_by("code").first()
    assert grid is not None
    worker = User.objects.create_user(username="bench_worker", password="x", display_name="网格员")
    grant_role(worker, Role.GRID_WORKER, grid.code, actor=None)
    return worker, grid, care_subjects(grid)


def care_subjects(grid: Any) -> list[str]:
    from outpost.geo.geometry import from_geojson_text
    from outpost.registry.models import AddressLevel, Person, StandardAddress

    where = from_geojson_text(grid.geometry).representative_point()
    place = {"grid_code": grid.code, "beat_code": grid.main_beat.code if grid.main_beat else ""}
    keys = []
    for n in range(SUBJECTS):
        address = StandardAddress.objects.create(
            code=f"BENCH-A-{n}", level=AddressLevel.ROOM, community_code=grid.community.code,
            road="中山路", door_no=f"{n + 1}号", full_text=f"中山路{n + 1}号",
            lon=where.x, lat=where.y, **place,
        )  # fmt: skip
        Person.objects.create(
            person_no=f"BENCH-P-{n}", name=f"老人{n}", gender="女", birth_date=date(1940, 1, 1),
            pop_type="户籍人口", care_tags="独居老人", address=address,
            id_number=id_number(f"32010619400101{n:03d}"), **place,
        )  # fmt: skip
        keys.append(f"BENCH-P-{n}")
    return keys


def id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def photo(n: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (n % 255, 90, 40)).save(out, format="JPEG", quality=82)
    return out.getvalue()


def queue(grid: Any, subjects: list[str], total: int) -> list[dict[str, Any]]:
    """A day's offline work: start, check-ins, end, visits and reports, `total` records."""
    from outpost.geo.geometry import from_geojson_text

    where = from_geojson_text(grid.geometry).representative_point()
    at = datetime.now().astimezone() - timedelta(hours=8)
    start = {"key": uuid.uuid4().hex, "kind": "patrol_start", "grid": grid.code}
    visits = [{"kind": "visit", "subject_kind": "care", "subject_key": k, "met": "本人"}
              for k in subjects]  # fmt: skip
    cases = [{"kind": "case", "subtype": "0101", "title": f"堆物{n}", "lon": where.x,
              "lat": where.y, "patrol": start["key"], "photo": True}
             for n in range(total // 10)]  # fmt: skip
    checkins = total - 2 - len(visits) - len(cases)
    points = [{"kind": "checkin", "patrol": start["key"], "lon": where.x, "lat": where.y,
               "photo": n % 10 == 0} for n in range(checkins)]  # fmt: skip
    end = {"kind": "patrol_end", "patrol": start["key"]}
    records = [start, *points, *cases, end, *visits]
    for n, record in enumerate(records):
        record.setdefault("key", uuid.uuid4().hex)
        record["at"] = (at + timedelta(seconds=60 * n)).isoformat()
    return records


# --- sending ---------------------------------------------------------------------------------


def batches(records: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    photos = 0
    for record in records:
        if batch and (
            len(batch) >= BATCH_RECORDS or photos + record.get("photo", 0) > BATCH_PHOTOS
        ):
            yield batch
            batch, photos = [], 0
        batch.append(record)
        photos += int(record.get("photo", False))
    if batch:
        yield batch


def send_queue(client: Any, records: list[dict[str, Any]]) -> list[str]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    states = []
    for n, batch in enumerate(batches(records)):
        files = {
            f"photo:{r['key']}:0": SimpleUploadedFile("p.jpg", photo(n + i), "image/jpeg")
            for i, r in enumerate(batch)
            if r.get("photo")
        }
        body = [{k: v for k, v in r.items() if k != "photo"} for r in batch]
        answer = client.post("/api/v1/fieldwork/sync", {"records": json.dumps(body), **files})
        assert answer.status_code == 200, answer.content[:300]
        states += [r["state"] for r in answer.json()["results"]]
    return states


def send_one_by_one(client: Any, records: list[dict[str, Any]]) -> int:
    """The anchor: each record by its own endpoint, as the online pages send them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    api, sent, patrol = "/api/v1/fieldwork", 0, 0
    for n, r in enumerate(records):
        files = (
            {"photos": SimpleUploadedFile("p.jpg", photo(n), "image/jpeg")}
            if r.get("photo")
            else {}
        )
        if r["kind"] == "patrol_start":
            answer = client.post(
                f"{api}/patrols", {"grid": r["grid"]}, content_type="application/json"
            )
            patrol = answer.json()["id"]
        elif r["kind"] == "checkin":
            answer = client.post(
                f"{api}/patrols/{patrol}/checkins", {"lon": r["lon"], "lat": r["lat"], **files}
            )
        elif r["kind"] == "patrol_end":
            answer = client.post(f"{api}/patrols/{patrol}/end")
        elif r["kind"] == "visit":
            body = {"kind": "care", "key": r["subject_key"], "met": r["met"]}
            answer = client.post(f"{api}/visits", body, content_type="application/json")
        else:  # the case, then its photo: two requests, as the API takes them
            body = {"subtype": r["subtype"], "title": r["title"], "lon": r["lon"], "lat": r["lat"]}
            answer = client.post("/api/v1/cases", body, content_type="application/json")
            number = answer.json()["number"]
            photo_file = SimpleUploadedFile("p.jpg", photo(n), "image/jpeg")
            added = client.post(
                f"/api/v1/cases/{number}/attachments", {"files": photo_file, "purpose": "report"}
            )
            assert added.status_code == 201, added.content[:300]
        assert answer.status_code in (200, 201), (r["kind"], answer.content[:300])
        sent += 1
    return sent


def warm_up(client: Any) -> None:
    """One request before the clock starts: a running server has its URLs and views loaded
    (the first request of a new process imports them, ~1-3 s on this machine)."""
    assert client.get("/api/v1/fieldwork/today").status_code == 200


def counts() -> dict[str, int]:
    from outpost.cases.models import Case
    from outpost.fieldwork.models import CheckIn, Patrol, Visit

    return {
        "patrols": Patrol.objects.count(),
        "checkins": CheckIn.objects.count(),
        "visits": Visit.objects.count(),
        "cases": Case.objects.count(),
    }


def child(args: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client

    from outpost.cases.models import Case
    from outpost.fieldwork.models import CheckIn, Patrol, SyncedRecord, Visit

    worker, grid, subjects = world()
    client = Client()
    client.force_login(worker)
    warm_up(client)
    records = queue(grid, subjects, args.records)
    started = time.perf_counter()
    states = send_queue(client, records)
    synced = time.perf_counter() - started
    once = counts()
    again = send_queue(client, records)  # the answers were lost: all sent again
    twice_kept = counts() != once or states != again
    # The anchor: the same records one request each, after clearing what the queue made.
    SyncedRecord.objects.all().delete()
    Visit.objects.all().delete()
    CheckIn.objects.all().delete()
    Patrol.objects.all().delete()
    Case.objects.all().delete()
    started = time.perf_counter()
    send_one_by_one(
        client, [r | {"key": uuid.uuid4().hex} for r in queue(grid, subjects, args.records)]
    )
    anchor = time.perf_counter() - started
    return {
        "records": len(records),
        "sent": states.count("sent"),
        "synced": synced,
        "anchor": anchor,
        "kept": once,
        "twice": twice_kept,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        with database(os.environ["BENCH_BACKEND"], args.pg_dsn):
            print(RESULT_PREFIX + json.dumps(child(args)))
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    ok = True
    print(f"Offline queue of {args.records} records; goal < {GOAL_SECONDS:.0f} s; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")  # fmt: skip
    for backend in backends:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--records",
            str(args.records),
            "--pg-dsn",
            args.pg_dsn,
        ]
        env = os.environ | {"BENCH_BACKEND": backend}
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in out.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if out.returncode or not lines:
            print(f"{backend}: failed\n{out.stderr[-3000:]}")
            ok = False
            continue
        r = json.loads(lines[-1][len(RESULT_PREFIX) :])
        passed = r["synced"] < GOAL_SECONDS and r["sent"] == r["records"] and not r["twice"]
        ok = ok and passed
        print(
            f"{backend:10} queue: {r['sent']}/{r['records']} sent in {r['synced']:.2f} s "
            f"({r['records'] / r['synced']:.0f} records/s) · anchor, one request per record: "
            f"{r['anchor']:.2f} s ({r['records'] / r['anchor']:.0f} records/s) · "
            f"sent again: {'KEPT TWICE' if r['twice'] else 'nothing kept twice'} · "
            f"kept {r['kept']} · {'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
