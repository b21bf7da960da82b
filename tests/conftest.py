"""Shared fixtures: the 鼓楼区 boundaries loaded once per session, and the personas.

Personas are created through the real services (`grant_role`), so scoping is exercised the way
production uses it.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.boundaries import import_boundaries
from outpost.geo.models import Grid

GULOU = Path(settings.BASE_DIR) / "data" / "gulou"
os.environ.setdefault("OUTPOST_GULOU_DIR", str(GULOU))

# The persona's home grid, and a grid in another street for the outsider.
HOME_GRID = "320106001003001"
OTHER_GRID = "320106013001001"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the district's boundaries into the test database once for the whole session."""
    with django_db_blocker.unblock():
        import_boundaries(GULOU)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Personas hash passwords; the production hasher would cost ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to the test's own folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing kept: what one test's data left in the process's cache
    (a board's route people, say) would otherwise show in the next test's pages."""
    cache.clear()


@dataclass
class Persona:
    user: User
    client: Client


def _persona(username: str, role: str | None, scope: str | None) -> Persona:
    user = User.objects.create_user(username=username, password="x", display_name=username)
    if role and scope:
        grant_role(user, role, scope, actor=None)
    client = Client()
    client.force_login(user)
    return Persona(user, client)


@pytest.fixture
def home_grid(db: None) -> Grid:
    return Grid.objects.select_related("main_beat__station", "community").get(code=HOME_GRID)


@pytest.fixture
def admin(db: None) -> Persona:
    return _persona("admin_p", Role.ADMIN, "320106000000")


@pytest.fixture
def commander(home_grid: Grid) -> Persona:
    return _persona("commander_p", Role.STREET_COMMANDER, home_grid.community.code[:9] + "000")


@pytest.fixture
def grid_worker(home_grid: Grid) -> Persona:
    return _persona("worker_p", Role.GRID_WORKER, home_grid.code)


@pytest.fixture
def outsider(db: None) -> Persona:
    """A grid worker of a grid in another street."""
    return _persona("outsider_p", Role.GRID_WORKER, OTHER_GRID)


@pytest.fixture
def officer(home_grid: Grid) -> Persona:
    assert home_grid.main_beat is not None
    return _persona("officer_p", Role.COMMUNITY_OFFICER, home_grid.main_beat.code)


@pytest.fixture
def duty_officer(home_grid: Grid) -> Persona:
    assert home_grid.main_beat is not None
    return _persona("duty_p", Role.DUTY_OFFICER, home_grid.main_beat.station.code)


@pytest.fixture
def nobody(db: None) -> Persona:
    """Signed in, but holding no role at all."""
    return _persona("nobody_p", None, None)


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def tmp_var(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
