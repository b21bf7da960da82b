"""The start page counts cases: the taxonomy is loaded once per session."""

from typing import Any

import pytest

from outpost.cases.taxonomy import load_taxonomy


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()
