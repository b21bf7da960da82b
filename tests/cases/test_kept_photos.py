"""A report form that comes back with an error keeps the photos already sent: nobody in the
street retakes them. Kept photos are the sender's alone, for a day, checked like any other."""

import re
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outpost.cases import pending
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import point_in
from tests.cases.photos import HTML_AS_JPEG, has_gps, phone_photo
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
FORM = {"subtype": "0603", "title": "楼道堆物", "urgency": "normal", "description": ""}


def tickets(html: str) -> list[str]:
    return re.findall(r'name="kept" value="([^"]+)"', html)


def report(client: Client, grid: Grid | None, kept: list[str], *photos: tuple[str, bytes]) -> Any:
    where = {"lon": point_in(grid).x, "lat": point_in(grid).y} if grid else {}
    files = [SimpleUploadedFile(name, data) for name, data in photos]
    return client.post("/cases/report/", {**FORM, **where, "kept": kept, "photos": files})


def test_it_keeps_the_photos_of_a_form_that_came_back_and_files_them_with_the_report(
    home_grid: Grid, grid_worker: Persona
) -> None:
    back = report(grid_worker.client, None, [], ("现场.jpg", phone_photo(40, 30)))
    html = back.content.decode()
    assert back.status_code == 200 and "上次提交时已保留的照片" in html and "现场.jpg" in html
    kept = tickets(html)
    assert len(kept) == 1
    filed = report(grid_worker.client, home_grid, kept, ("近景.jpg", phone_photo(20, 20)))
    assert filed.status_code == 302, filed.content.decode()[:1500]
    case = Case.objects.get(title="楼道堆物")
    names = sorted(a.name for a in case.attachments.all())
    assert names == ["现场.jpg", "近景.jpg"]
    # Kept photos are checked and stripped of location like every attachment.
    for attachment in case.attachments.all():
        with attachment.file.open("rb") as stored:
            assert not has_gps(stored.read())
    # Once filed, the kept copy is gone: the same ticket brings nothing a second time.
    assert pending.valid(kept, grid_worker.user) == []


def test_it_leaves_out_a_photo_unticked_on_the_second_try(
    home_grid: Grid, grid_worker: Persona
) -> None:
    back = report(grid_worker.client, None, [], ("a.jpg", phone_photo(10, 10)))
    assert tickets(back.content.decode())
    filed = report(grid_worker.client, home_grid, [])  # the box was unticked
    assert filed.status_code == 302
    assert not Case.objects.get(title="楼道堆物").attachments.exists()


def test_it_keeps_nothing_that_is_not_a_photo(grid_worker: Persona) -> None:
    back = report(grid_worker.client, None, [], ("x.jpg", HTML_AS_JPEG))
    assert back.status_code == 200 and tickets(back.content.decode()) == []


def test_it_ignores_a_ticket_of_someone_else_or_a_forged_one(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    back = report(commander.client, None, [], ("commander.jpg", phone_photo(10, 10)))
    theirs = tickets(back.content.decode())
    forged = signing.dumps({"k": "../../etc", "n": "x.jpg", "u": grid_worker.user.pk})
    mine = report(grid_worker.client, home_grid, [*theirs, forged, "garbage"])
    assert mine.status_code == 302
    assert not Case.objects.get(title="楼道堆物").attachments.exists()
    assert len(pending.valid(theirs, commander.user)) == 1  # still the commander's to use


def test_it_keeps_at_most_twenty_photos_a_user_and_forgets_old_ones(
    grid_worker: Persona, settings: Any
) -> None:
    """A form sent back in a loop cannot fill the disk, and the sweep forgets a day-old photo
    of someone who never came back."""
    import datetime as dt
    import os

    for _ in range(3):
        report(grid_worker.client, None, [], *[(f"{i}.jpg", phone_photo(8, 8)) for i in range(9)])
    folder = settings.MEDIA_ROOT / "pending" / str(grid_worker.user.pk)
    assert len(os.listdir(folder)) == pending.MAX_KEPT
    old = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    for name in os.listdir(folder):
        os.utime(folder / name, (old, old))
    assert pending.purge_all() == pending.MAX_KEPT
    assert os.listdir(folder) == []
