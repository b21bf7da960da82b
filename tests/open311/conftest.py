"""Open311: the taxonomy loaded, a case in the home grid, an API key."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from outpost.cases.models import Case
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import Grid
from outpost.open311 import keys
from outpost.open311.models import ApiKey
from outpost.registry.models import Person
from outpost.registry.validators import id_check_digit
from tests.cases.conftest import chief, file_case
from tests.conftest import Persona

ID_NUMBER = "32010619800101001" + id_check_digit("32010619800101001")
PHONE = "13912345678"
PARTY = "李四光"
REPORTER = "张三丰"
__all__ = ["chief"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture
def case(home_grid: Grid, grid_worker: Persona) -> Case:
    """A reported case with a reporter's name and phone and a party: none of it may show."""
    filed = file_case(
        home_grid,
        grid_worker.user,
        "0603",
        title="小区门口垃圾堆放",
        description="垃圾堆了三天",
        reporter_name=REPORTER,
        reporter_phone=PHONE,
    )
    person = Person.objects.create(
        person_no="P-OPEN311-1",
        name=PARTY,
        **Person.id_number.columns(ID_NUMBER),
        gender="男",
        birth_date=dt.date(1980, 1, 1),
        pop_type="户籍人口",
        grid_code=home_grid.code,
    )
    filed.parties.add(person)
    return filed


@pytest.fixture
def api_key(admin: Persona) -> tuple[str, ApiKey]:
    return keys.create_key(admin.user, "随手拍", "市民应用", 3)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
