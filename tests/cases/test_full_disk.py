"""A full upload disk: the file is refused as a whole with 507 and a message in Chinese (page and
API), no half-written file is left on the disk, no attachment row names a missing file, and the
same file is stored whole once there is room again. The disk is made full by the operating
system's write failing with ENOSPC (os.write patched for files under MEDIA_ROOT only, half the
bytes written first); everything of ours runs as it does in production."""

import errno
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from outpost.cases.models import Attachment, Case
from outpost.core.storage import StorageFull
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.cases.photos import phone_photo
from tests.conftest import Persona
from tests.core.test_error_pages import chinese_page

pytestmark = pytest.mark.django_db
REAL_WRITE = os.write


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Writes under MEDIA_ROOT put down half their bytes, then the disk is full."""

    def write(fd: int, data: Any) -> int:
        if not os.readlink(f"/proc/self/fd/{fd}").startswith(str(settings.MEDIA_ROOT)):
            return REAL_WRITE(fd, data)
        if len(data) > 1:
            return REAL_WRITE(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    yield
    monkeypatch.undo()


def files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_leaves_no_half_written_file_when_the_disk_fills(full_disk: None) -> None:
    with pytest.raises(StorageFull):
        default_storage.save("cases/ab/photo.jpg", ContentFile(b"x" * 100_000))
    assert files_on_disk() == []  # neither the name nor a temporary file


def test_it_stores_a_file_whole_under_its_name(settings: Any) -> None:
    name = default_storage.save("cases/ab/photo.jpg", ContentFile(b"x" * 100_000))
    again = default_storage.save("cases/ab/photo.jpg", ContentFile(b"y"))
    assert name == "cases/ab/photo.jpg" and again != name  # a taken name is never overwritten
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == b"x" * 100_000
    assert sorted(p.name for p in files_on_disk()) == sorted([Path(name).name, Path(again).name])
    assert (Path(settings.MEDIA_ROOT) / name).stat().st_mode & 0o777 == 0o644


def upload(client: Client, case: Case, data: bytes) -> Any:
    sent = [SimpleUploadedFile("现场.jpg", data)]
    return client.post(f"/api/v1/cases/{case.number}/attachments", {"files": sent})


def test_it_refuses_an_attachment_on_a_full_disk_with_507_and_keeps_nothing(
    home_grid: Grid, grid_worker: Persona, full_disk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = file_case(home_grid, grid_worker.user)
    photo = phone_photo(64, 48)
    refused = upload(grid_worker.client, case, photo)
    assert refused.status_code == 507, refused.content
    assert "磁盘已满" in refused.json()["detail"] and "没有保存" in refused.json()["detail"]
    assert refused.json()["detail_en"].startswith("The disk that keeps uploaded files is full")
    assert not Attachment.objects.filter(case=case).exists()  # no row naming a missing file
    assert not case.timeline.filter(action="attach").exists()
    assert files_on_disk() == []

    monkeypatch.undo()  # room again: the same photo is kept whole, not the half from before
    kept = upload(grid_worker.client, case, photo)
    assert kept.status_code == 201, kept.content
    attachment = Attachment.objects.get(case=case)
    with attachment.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == attachment.sha256
    assert case.timeline.filter(action="attach").count() == 1


def test_it_refuses_a_report_with_photos_on_a_full_disk_with_a_chinese_page(
    home_grid: Grid, grid_worker: Persona, full_disk: None
) -> None:
    browser = Client(raise_request_exception=False)
    browser.force_login(grid_worker.user)
    where = point_in(home_grid)
    form = {"subtype": "0603", "title": "磁盘满时上报", "urgency": "normal", "description": ""}
    photo = SimpleUploadedFile("现场.jpg", phone_photo(40, 30))
    answer = browser.post(
        "/cases/report/", {**form, "lon": where.x, "lat": where.y, "photos": photo}
    )
    html = chinese_page(answer, 507)
    assert "存放上传文件的磁盘已满" in html and "Traceback" not in html
    assert not Case.objects.filter(title="磁盘满时上报").exists()  # the report is not half filed
    assert not Attachment.objects.exists() and files_on_disk() == []


def test_it_removes_the_temporary_files_of_writers_killed_mid_write_after_an_hour(
    settings: Any,
) -> None:
    """A process killed while writing leaves its temporary file (never a file under a real
    name); the sweep removes it once it is an hour old, and leaves a write in progress alone."""
    kept = default_storage.save("cases/ab/photo.jpg", ContentFile(b"x" * 1000))
    partial = Path(settings.MEDIA_ROOT) / ".partial"
    stale, fresh = partial / ".partial-killed", partial / ".partial-writing"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (time.time() - 3700, time.time() - 3700))
    call_command("cases", "sweep")
    assert not stale.exists() and fresh.exists()
    assert (Path(settings.MEDIA_ROOT) / kept).read_bytes() == b"x" * 1000
