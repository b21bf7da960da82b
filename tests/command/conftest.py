"""The command room works on cases: the taxonomy is loaded once per session."""

from typing import Any

import pytest

from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import CommandRoom, Grid


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture
def room(home_grid: Grid) -> CommandRoom:
    """The room of the station whose beat holds the home grid."""
    assert home_grid.main_beat is not None
    return CommandRoom.objects.select_related("station__street").get(
        station=home_grid.main_beat.station
    )
