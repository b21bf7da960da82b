"""Registry data loaded once per session: every standard address of 鼓楼区, and the people, houses
and organisations of two communities (the home grid's and the outsider's), plus the residents the
dirty import sample repeats (its "duplicate_of_existing" rows must find them already known).

The files go in through the real importer (`run_import`), filtered as CSV text first. Tests read
what was loaded from `registry_data`, so every expectation is derived from the files.
"""

import time
from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.registry.imports import run_import
from tests.conftest import HOME_GRID, Persona, _persona
from tests.registry.data import RegistryData, as_csv, select_rows

_LOADED: list[RegistryData] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The boundaries (parent fixture), then the registry, once for the whole session."""
    started = time.perf_counter()
    rows = select_rows()
    counts: dict[str, dict[str, int]] = {}
    with django_db_blocker.unblock():
        counts["addresses"] = run_import("addresses", rows["addresses_csv"], "addresses.csv").counts
        for kind in ("persons", "houses", "units"):
            counts[kind] = run_import(kind, as_csv(rows[kind]), f"{kind}.csv").counts
    for kind, found in counts.items():
        assert found["rejected"] == 0, f"the session's {kind} were rejected in part: {found}"
    _LOADED.append(
        RegistryData(
            addresses_csv=rows["addresses_csv"],
            addresses=rows["addresses"],
            persons={row["person_id"]: row for row in rows["persons"]},
            houses={row["house_id"]: row for row in rows["houses"]},
            units={row["unit_id"]: row for row in rows["units"]},
            counts=counts,
            seconds=time.perf_counter() - started,
        )
    )


@pytest.fixture(scope="session")
def registry_data(django_db_setup: None) -> RegistryData:
    return _LOADED[-1]


@pytest.fixture
def district_collector(db: None) -> Persona:
    """A grid leader over the whole district: collects (前端采) everywhere, verifies nothing."""
    return _persona("leader_p", Role.GRID_LEADER, "320106000000")


@pytest.fixture
def reporter(db: None) -> Persona:
    """One of the 8 reporters (8大员) on the home grid: sees areas, never the registry."""
    return _persona("reporter_p", Role.REPORTER, HOME_GRID)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how long the session's registry load took (it is the bulk of this folder's setup)."""
    if _LOADED:
        data = _LOADED[-1]
        people = data.counts["persons"]["created"]
        terminalreporter.write_line(
            f"registry session setup: {data.seconds:.1f} s "
            f"({data.counts['addresses']['created']} addresses, {people} people)"
        )
