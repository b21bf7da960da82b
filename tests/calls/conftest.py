"""110 diversion needs the case taxonomy and every standard address of the district; both are
loaded once per session, the addresses through the real importer from the vendored file.

`sample` is the district's labelled 110 calls; `as_input` drops the answer columns (label and
addr_id) so that what the desk reads is what a real file holds."""

import csv
import functools
import io
import lzma
import time
from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.cases.taxonomy import load_taxonomy
from outpost.registry.imports import run_import
from outpost.registry.models import StandardAddress
from tests.conftest import GULOU, OTHER_GRID, Persona, _persona

SAMPLE = GULOU / "calls_110_sample.csv"
INPUT_COLUMNS = ("call_id", "received_at", "caller_phone", "location_text", "content")
_SETUP_SECONDS: list[float] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    started = time.perf_counter()
    addresses = lzma.decompress((GULOU / "addresses.csv.xz").read_bytes())
    with django_db_blocker.unblock():
        load_taxonomy()
        counts = run_import("addresses", addresses, "addresses.csv").counts
    assert counts["rejected"] == 0, counts
    _SETUP_SECONDS.append(time.perf_counter() - started)


def sample() -> list[dict[str, str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def as_input(rows: list[dict[str, Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INPUT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def other_commander(db: None) -> Persona:
    """A street commander of another street (the outsider's): dispatches there, not here."""
    return _persona("other_commander_p", Role.STREET_COMMANDER, OTHER_GRID[:9] + "000")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SETUP_SECONDS:
        terminalreporter.write_line(
            f"calls session setup (taxonomy, addresses): {_SETUP_SECONDS[-1]:.1f} s"
        )


def rows_in(prefix: str) -> list[dict[str, str]]:
    """Sample calls whose (answer) address lies in grids under `prefix`, a street or grid code."""
    rows = sample()
    grids = dict(
        StandardAddress.objects.filter(code__in=[r["addr_id"] for r in rows]).values_list(
            "code", "grid_code"
        )
    )
    return [r for r in rows if grids.get(r["addr_id"], "").startswith(prefix)]


def call_at(
    grid_code: str, call_id: str, content: str = "楼上装修电钻声太吵，一直没停"
) -> dict[str, str]:
    """A call of our own at a standard address in the grid, worded as the sample words them."""
    address = StandardAddress.objects.filter(grid_code=grid_code, level="room").first()
    assert address is not None
    return {
        "call_id": call_id,
        "received_at": "2026-11-20T21:30:00+08:00",
        "caller_phone": "13912345678",
        "location_text": address.full_text,
        "content": content,
        "label": "0901",
        "addr_id": address.code,
    }


# Calls with no danger sign and little to go on. Which of them the default model cannot place
# ("cannot tell") depends on what it was trained on, so a test that needs such a call takes the
# first the current model is unsure of, rather than naming one that the next training data flips.
VAGUE_CANDIDATES = (
    "隔壁那家又来了",
    "又是那个事情",
    "还是上回那个事",
    "又是他们家",
    "那边又这样了",
    "就是那个事，你们晓得的",
)


@functools.cache
def vague_call() -> str:
    from outpost.calls.classify import classify_call

    for text in VAGUE_CANDIDATES:
        if classify_call(text).reason.code == "unsure":
            return text
    raise AssertionError("the default model places every vague call; add a vaguer one")
