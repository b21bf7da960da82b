"""The goal's street for the due-list benchmark: ≈ 60 grids, 10k care and rental subjects.

The demo district (鼓楼区) has no such street: its 13 streets hold 37-78 grids and 550-1,400
care subjects and rented houses each. The stand-in is its street nearest 60 grids (320106001,
55 grids, ~820 such subjects), topped up through the
registry's own importers (`run_import`, as an upload or `import_registry` would) until it holds
`TARGET` care subjects and rented houses: new rooms in the street's own buildings (so they fall
in its grids as its buildings do), a rented house in each, and care subjects living in them,
care and rental in the district's own proportion, tags and birth years drawn from its care
subjects. Load it before the demo's field work is generated, so the new subjects are visited (and
fall behind) as the demo's are. Seeded: the same data gives the same street.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import lzma
import random
from collections import Counter
from pathlib import Path
from typing import Any

TARGET = 10_000  # care subjects and rented houses in the street
GRIDS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "文华明国建英秀兰玉芳军平红志强伟丽敏静海燕霞桂金荣凤春梅云涛斌波宁"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def top_up(data: Path, seed: int = 2026) -> dict[str, Any]:
    """Top the district's street nearest `GRIDS` grids up to `TARGET` subjects; what was done,
    to print."""
    from outpost.core.context import request_context
    from outpost.registry.imports import run_import

    street = goal_street()
    before = street_subjects(street)
    care_share, cares = district_care()
    extra = max(0, TARGET - before)
    people = round(extra * care_share)
    rooms = extra - people
    rng = random.Random(seed)
    new_rooms = _rooms(street, rooms)
    taken = _id_numbers(data)
    tables = {
        "addresses": new_rooms,
        "houses": [_house(n, room["addr_id"]) for n, room in enumerate(new_rooms)],
        "persons": [
            _person(n, rng.choice(new_rooms)["addr_id"], rng.choice(cares), rng, taken)
            for n in range(people)
        ],
    }
    with request_context("command"):
        for kind, rows in tables.items():
            result = run_import(kind, _csv(rows), f"street_{kind}.csv")
            added = result.counts["created"] + result.counts["submitted"]
            assert added == len(rows), (kind, result.counts)
    after = street_subjects(street)
    return {"street": street, "grids": street_grids(street), "before": before, "after": after}


def goal_street() -> str:
    """The street (9-digit code) whose number of grids is nearest `GRIDS` (the larger one of
    two as near)."""
    from outpost.geo.models import Grid

    counts = Counter(code[:9] for code in Grid.objects.values_list("code", flat=True))
    return min(counts, key=lambda street: (abs(counts[street] - GRIDS), -counts[street]))


def street_subjects(street: str) -> int:
    return len(_subject_grids(street))


def street_grids(street: str) -> int:
    from outpost.geo.models import Grid

    return Grid.objects.filter(code__startswith=street).count()


def _subject_grids(prefix: str) -> list[str]:
    from outpost.registry.models import House, HouseUse, Person

    care = Person.objects.exclude(care_tags="").filter(grid_code__startswith=prefix)
    rented = House.objects.filter(use=HouseUse.RENTED, grid_code__startswith=prefix)
    return [
        *care.values_list("grid_code", flat=True),
        *rented.values_list("grid_code", flat=True),
    ]


def district_care() -> tuple[float, list[tuple[str, dt.date]]]:
    """The care subjects' share of all care and rental subjects; their tags and birth dates."""
    from outpost.registry.models import House, HouseUse, Person

    care = list(Person.objects.exclude(care_tags="").values_list("care_tags", "birth_date"))
    rented = House.objects.filter(use=HouseUse.RENTED).count()
    return len(care) / (len(care) + rented), care


def _rooms(street: str, count: int) -> list[dict[str, Any]]:
    """`count` new rooms, spread over the street's buildings in turn, on floors above theirs."""
    from outpost.registry.models import AddressLevel, StandardAddress

    buildings = list(
        StandardAddress.objects.filter(level=AddressLevel.BUILDING, grid_code__startswith=street)
        .order_by("code")
        .values("code", "community_code", "road", "door_no", "compound", "building", "full_text",
                "lon", "lat")
    )  # fmt: skip
    rows = []
    for n in range(count):
        b = buildings[n % len(buildings)]
        floor = 31 + n // len(buildings)
        room = f"{floor}01室"
        rows.append(
            {"addr_id": f"ST{n:07d}", "level": "户室", "parent_id": b["code"],
             "community_code": b["community_code"], "road": b["road"], "door_no": b["door_no"],
             "compound": b["compound"], "building": b["building"], "unit": "1单元",
             "floor": str(floor), "room": room, "full_text": f"{b['full_text']}1单元{room}",
             "lon": b["lon"], "lat": b["lat"]}
        )  # fmt: skip
    return rows


def _house(n: int, room: str) -> dict[str, Any]:
    return {"house_id": f"HST{n:07d}", "addr_id": room, "use": "出租", "owner_person_id": "",
            "area_m2": "60", "occupants": "2", "rental_filing_no": ""}  # fmt: skip


def _person(
    n: int, room: str, care: tuple[str, dt.date], rng: random.Random, taken: set[str]
) -> dict[str, Any]:
    tags, born = care
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    number = _id_number(born, rng, taken)
    gender = "男" if int(number[16]) % 2 else "女"
    return {"person_id": f"PST{n:07d}", "name": name, "id_number": number, "gender": gender,
            "birth_date": born.isoformat(), "phone": "", "pop_type": "户籍人口",
            "hukou_region": "320106", "addr_id": room, "care_tags": tags}  # fmt: skip


def _id_number(born: dt.date, rng: random.Random, taken: set[str]) -> str:
    while True:
        first17 = f"320106{born:%Y%m%d}{rng.randrange(1000):03d}"
        total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
        number = first17 + "10X98765432"[total % 11]
        if number not in taken:
            taken.add(number)
            return number


def _id_numbers(data: Path) -> set[str]:
    """The district's ID numbers (the importer merges a person by ID number, not adds one)."""
    text = lzma.decompress((data / "persons.csv.xz").read_bytes()).decode("utf-8")
    return {row["id_number"] for row in csv.DictReader(io.StringIO(text))}


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
