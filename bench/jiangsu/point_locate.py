"""Benchmark: point → grid + police beat on 1/10 江苏's shapes, in-process index vs PostGIS.

    python bench/jiangsu/point_locate.py [--fraction 0.05] [--points 1000000] [--pg-sample 40000]
                                         [--pg-dsn DSN] [--strict]

Generates the province's boundaries at --fraction (10,000 grids and 1,300 beats at 1), builds the
in-process PolygonIndex over grids and over beats (what `outpost.geo.locator` holds) and times
locating random points in both; then loads the same shapes into PostGIS in a throwaway database
(`jiangsu_locate`, dropped after) with a GiST index each, and times ST_Contains for a sample of
the same points, one SQL statement per batch (unnest + LATERAL join, the fastest way to ask
PostGIS for many points). Checks both agree, prints each rate, the ratio and PASS/FAIL against the
goal (≥ 10× PostGIS). Installs PostGIS with apt-get if the extension is missing and we are root.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import generate  # noqa: E402
from bench.locate import print_load, timed, timed_cpu  # noqa: E402
from outpost.geo.spatial import PolygonIndex  # noqa: E402

GOAL_RATIO = 10.0
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "jiangsu_locate"
POSTGIS_PACKAGE = "postgresql-15-postgis-3"
LOOKUP_SQL = """
SELECT p.i, g.pos, b.pos
FROM unnest(%(ids)s::int[], %(lons)s::float8[], %(lats)s::float8[]) AS p(i, lon, lat)
LEFT JOIN LATERAL (
    SELECT pos FROM grids WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
    ORDER BY code LIMIT 1
) AS g ON true
LEFT JOIN LATERAL (
    SELECT pos FROM beats WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
    ORDER BY code LIMIT 1
) AS b ON true
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--pg-sample", type=int, default=40_000)
    parser.add_argument("--pg-batch", type=int, default=5_000)
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless the goal is PASS")
    return parser.parse_args(argv)


def read_index(path: Path) -> PolygonIndex:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["code"] for f in features]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    return PolygonIndex(codes, shapes)


def points(index: PolygonIndex, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Points in the grids' districts (where people live), not in the gaps between them."""
    cells = index.geometries
    pick = rng.integers(0, len(cells), n)
    west, south, east, north = (shapely.bounds(cells[pick])[:, i] for i in range(4))
    return rng.uniform(west, east), rng.uniform(south, north)


def ensure_postgis(admin_dsn: str) -> str:
    """'' if CREATE EXTENSION postgis can work, else why not (after trying apt-get as root)."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
        ).fetchone()
    if found:
        return ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"PostGIS missing: apt-get install {POSTGIS_PACKAGE} (as root)"
    print(f"installing {POSTGIS_PACKAGE} with apt-get …", flush=True)
    done = subprocess.run(
        ["apt-get", "install", "-y", "-q", POSTGIS_PACKAGE],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if done.returncode == 0 else f"apt-get failed: {done.stderr[-300:]}"


def load_table(conn: object, name: str, index: PolygonIndex) -> None:
    wkb = shapely.to_wkb(shapely.set_srid(index.geometries, 4326), hex=True, include_srid=True)
    conn.execute(f"CREATE TABLE {name} (pos integer, code text, geom geometry(Polygon, 4326))")  # type: ignore[attr-defined]
    with conn.cursor().copy(f"COPY {name} (pos, code, geom) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for pos, (code, geom) in enumerate(zip(index.codes, wkb, strict=True)):
            copy.write_row((pos, code, geom))
    conn.execute(f"CREATE INDEX {name}_geom ON {name} USING gist (geom)")  # type: ignore[attr-defined]
    conn.execute(f"ANALYZE {name}")  # type: ignore[attr-defined]


def query(conn: object, lons: np.ndarray, lats: np.ndarray, batch: int) -> np.ndarray:
    found = np.full((lons.size, 2), -1, dtype=np.int64)
    for start in range(0, lons.size, batch):
        stop = min(start + batch, lons.size)
        params = {
            "ids": list(range(start, stop)),
            "lons": lons[start:stop].tolist(),
            "lats": lats[start:stop].tolist(),
        }
        for i, grid, beat in conn.execute(LOOKUP_SQL, params).fetchall():  # type: ignore[attr-defined]
            found[i] = (-1 if grid is None else grid, -1 if beat is None else beat)
    return found


def run_postgis(
    args: argparse.Namespace,
    grids: PolygonIndex,
    beats: PolygonIndex,
    lons: np.ndarray,
    lats: np.ndarray,
) -> tuple[float, np.ndarray] | str:
    import psycopg
    from psycopg.conninfo import make_conninfo

    missing = ensure_postgis(args.pg_dsn)
    if missing:
        return missing
    with psycopg.connect(args.pg_dsn, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
        try:
            with psycopg.connect(make_conninfo(args.pg_dsn, dbname=DB_NAME)) as conn:
                conn.execute("CREATE EXTENSION postgis")
                load_table(conn, "grids", grids)
                load_table(conn, "beats", beats)
                conn.commit()
                conn.execute("SET jit = off")  # JIT compiles each batch: unfair to PostGIS
                query(conn, lons[:100], lats[:100], args.pg_batch)  # warm the cache
                found, took = timed(lambda: query(conn, lons, lats, args.pg_batch), 2)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return lons.size / took, found


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_load("at start")
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        # Only the boundaries are needed: the fewest addresses the generator makes.
        manifest = generate(Path(tmp), args.scale, args.fraction, args.seed, boundaries_only=True)
        grids, build_g = timed(lambda: read_index(Path(tmp) / "boundaries" / "grids.geojson"))
        beats, build_b = timed(
            lambda: read_index(Path(tmp) / "boundaries" / "police_beats.geojson")
        )
    print(
        f"fraction {args.fraction} of 1/10 江苏: {len(grids):,} grids, {len(beats):,} beats "
        f"in {len(manifest['districts'])} districts (read + index built in "
        f"{build_g + build_b:.1f} s)"
    )
    lons, lats = points(grids, args.points, np.random.default_rng(args.seed))

    def both() -> np.ndarray:
        return np.column_stack([grids.locate_many(lons, lats), beats.locate_many(lons, lats)])

    ours, took, cpu = timed_cpu(both, args.repeat)
    rate = lons.size / took
    print(
        f"in-process PolygonIndex, grid + beat: {lons.size:,} points in {took:.2f} s = "
        f"{rate:,.0f} points/s (best of {args.repeat}; {lons.size / cpu:,.0f} per CPU-second)"
    )
    print(f"  {(ours >= 0).all(axis=1).sum():,} points got both a grid and a beat")
    sample = slice(0, min(args.pg_sample, lons.size))
    pg = run_postgis(args, grids, beats, lons[sample], lats[sample])
    print_load("at end (this benchmark included)", own=1.0)
    if isinstance(pg, str):
        print(f"PostGIS: SKIPPED - {pg}\nGOAL >= {GOAL_RATIO:g}x PostGIS: SKIP")
        return 1 if args.strict else 0
    pg_rate, theirs = pg
    agree = int((theirs == ours[sample]).all(axis=1).sum())
    print(
        f"anchor PostGIS ST_Contains (GiST), grid + beat: {theirs.shape[0]:,} points = "
        f"{pg_rate:,.0f} points/s; {agree:,}/{theirs.shape[0]:,} answers identical"
    )
    ratio = rate / pg_rate
    verdict = "PASS" if ratio >= GOAL_RATIO else "FAIL"
    print(f"GOAL >= {GOAL_RATIO:g}x PostGIS ({ratio:.1f}x): {verdict}")
    return 1 if args.strict and verdict != "PASS" else 0


if __name__ == "__main__":
    sys.exit(main())
