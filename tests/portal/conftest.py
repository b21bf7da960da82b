"""The portal needs the taxonomy, a file outbox in the test's own folder, and a point in the
home grid."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import Grid
from outpost.portal.senders import read_outbox
from tests.cases.conftest import point_in
from tests.conftest import HOME_GRID

PHONE = "13912345678"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture(autouse=True)
def outbox(settings: Any, tmp_path: Path) -> Path:
    """Messages go to the file outbox under the test's own var folder."""
    settings.VAR_DIR = tmp_path / "var"
    settings.OUTPOST_SMS_BACKEND = "file"
    return settings.VAR_DIR / "outbox"


def last_code(outbox: Path) -> str:
    text = read_outbox(outbox)[-1]["text"]
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def here(db: None) -> tuple[float, float]:
    where = point_in(Grid.objects.get(code=HOME_GRID))
    return where.x, where.y


def verified_client(outbox: Path, phone: str = PHONE) -> Client:
    """A browser session whose phone has been verified by its code."""
    client = Client()
    client.post("/portal/phone/", {"step": "send", "phone": phone, "next": "/portal/report/"})
    client.post("/portal/phone/", {"step": "check", "code": last_code(outbox), "next": "/"})
    return client
