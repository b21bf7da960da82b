"""Access-log rows written before the ID mask showed only its last 2 characters keep the longer
mask (rewriting them would break the hash chain); the auditors' page and export show it cut
down to today's mask, so the log adds nothing to what the registry pages show (README,
"Privacy")."""

import io

import openpyxl
import pytest
from django.urls import reverse

from outpost.core.access import log_access
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
OLD_MASK = "320106********0087"  # how an export searched by a whole ID number was logged
NEW_MASK = "****************87"


def test_it_shows_old_id_masks_in_the_log_cut_down_to_todays_mask(admin: Persona) -> None:
    log_access(actor=admin.user, action="export", object_type="people", object_key=OLD_MASK)
    log_access(actor=admin.user, action="break_glass_miss", object_type="person", object_key="?")

    page = admin.client.get(reverse("audit:log")).content.decode()
    sheet = admin.client.get(reverse("audit:export")).content
    cells = [
        str(c)
        for row in openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True)
        for c in row
    ]

    assert OLD_MASK not in page and f'实有人口 <span class="code">{NEW_MASK}</span>' in page
    assert OLD_MASK not in cells and NEW_MASK in cells and "?" in cells
    assert "实有人口" in cells and "people" not in cells  # what a row is about, in Chinese


def test_it_words_the_machine_written_purposes_and_keeps_typed_ones(admin: Persona) -> None:
    log_access(
        actor=admin.user,
        action="import",
        object_type="persons",
        object_key="a.csv",
        purpose="rows=3; dry_run",
    )
    log_access(
        actor=admin.user,
        action="unmask",
        object_type="person",
        object_key="P-1",
        purpose="核查 rows=1",
    )
    page = admin.client.get(reverse("audit:log")).content.decode()
    sheet = admin.client.get(reverse("audit:export")).content
    cells = [
        str(c)
        for row in openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "行数 3；仅检查，未写入" in page and "rows=3" not in page
    assert "核查 rows=1" in page  # what a person typed stays as typed
    assert "行数 3；仅检查，未写入" in cells and "实有人口" in cells
