"""The printable handbook: an A5 PDF rendered by WeasyPrint, read back with pypdf — its text,
its contents page against the pages the articles are on, its outline, page count and fonts."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from outpost.geo.models import OutpostStation
from outpost.knowledge.models import Article
from outpost.stations.models import OpeningSpan
from tests.conftest import Persona
from tests.knowledge.conftest import published

pytestmark = pytest.mark.django_db
A5 = (419.5, 595.3)
TITLES = {
    "policy": ["禁止高空抛物的规定", "养犬管理规定要点"],
    "permits": ["居住证签注须知"],
}


@pytest.fixture
def fixture_articles(admin: Persona, commander: Persona) -> list[str]:
    """Three short published articles of two kinds in place of the shipped ones, and three
    communities' outposts (the contacts fit on one page)."""
    Article.objects.all().delete()
    kept = OutpostStation.objects.order_by("community__code").values_list("pk", flat=True)[:3]
    OutpostStation.objects.exclude(pk__in=list(kept)).delete()
    for kind, titles in TITLES.items():
        for title in titles:
            published(commander.user, admin.user, title=title, kind=kind)
    return [t for ts in TITLES.values() for t in ts]


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def page_of(reader: PdfReader, title: str, after: int) -> int:
    """The first page (1-based) past the contents holding the title."""
    for number, page in enumerate(reader.pages, start=1):
        if number > after and title in page.extract_text():
            return number
    raise AssertionError(f"{title} on no page")


def outline_titles(reader: PdfReader) -> list[str]:
    found: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(str(item.title))

    walk(reader.outline)
    return found


def test_it_prints_an_a5_handbook_with_contents_outline_and_fonts(
    anonymous: Client, fixture_articles: list[str]
) -> None:
    answer = anonymous.get(reverse("knowledge:handbook"))
    assert answer["Content-Type"] == "application/pdf"
    reader = read(answer.content)
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A5[0]) <= 1 and abs(float(box.height) - A5[1]) <= 1
    assert "平安前哨居民手册" in reader.pages[0].extract_text()
    contents = reader.pages[1].extract_text()
    for title in fixture_articles:
        listed = re.search(re.escape(title) + r"[\s.·…]*(\d+)", contents)
        assert listed, f"{title} not in the contents: {contents}"
        assert int(listed.group(1)) == page_of(reader, title, after=2)
    # Cover, contents, one page per article, the contacts.
    assert len(reader.pages) == 2 + len(fixture_articles) + 1 == 6
    assert page_of(reader, "平安前哨联系方式", after=2) == 6
    outline = outline_titles(reader)
    assert {"政策法规", "办证须知", "平安前哨联系方式", *fixture_articles} <= set(outline)
    assert "单位职能" not in outline  # a kind with nothing published is left out
    assert embedded_fonts(reader) and all(embedded_fonts(reader).values())


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Font name → whether its file is embedded (FontFile2/3, in descendant fonts for CID)."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            for one in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = one["/FontDescriptor"].get_object()
                embedded = "/FontFile2" in descriptor or "/FontFile3" in descriptor
                fonts[str(one["/BaseFont"])] = embedded
    return fonts


def test_it_prints_the_contacts_of_every_outpost_with_opening_hours(
    anonymous: Client, fixture_articles: list[str]
) -> None:
    station = OutpostStation.objects.select_related("community").order_by("community__code")[0]
    OpeningSpan.objects.create(station=station, weekday=0, opens="08:30", closes="17:30")
    reader = read(anonymous.get(reverse("knowledge:handbook")).content)
    first = page_of(reader, "平安前哨联系方式", after=2)
    text = "".join(p.extract_text() for p in reader.pages[first - 1 :])
    assert station.community.name in text and "08:30" in text


def test_it_renders_again_once_an_article_is_published(
    anonymous: Client, fixture_articles: list[str], admin: Persona, commander: Persona
) -> None:
    before = read(anonymous.get(reverse("knowledge:handbook")).content)
    published(commander.user, admin.user, title="社区食堂就餐须知", kind="functions")
    after = read(anonymous.get(reverse("knowledge:handbook")).content)
    assert len(after.pages) == len(before.pages) + 1
    assert "单位职能" in outline_titles(after) and "社区食堂就餐须知" in outline_titles(after)


def test_it_writes_the_handbook_from_the_command(
    fixture_articles: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "handbook.pdf"
    call_command("knowledge", "handbook", str(out))
    reader = read(out.read_bytes())
    assert "居住证签注须知" in outline_titles(reader)


def test_it_prints_the_shipped_articles(anonymous: Client) -> None:
    reader = read(anonymous.get(reverse("knowledge:handbook")).content)
    outline = outline_titles(reader)
    assert Article.objects.count() >= 15
    for article in Article.objects.select_related("published"):
        assert article.published is not None and article.published.title in outline
