"""The printable handbook (居民手册): an A5 PDF of the published articles grouped by kind, with a
title page, a table of contents with page numbers, page numbers in the footer, PDF bookmarks per
kind and article, and the district's contacts (each community's 平安前哨 and its opening hours).

WeasyPrint is imported inside `render_pdf`, so the app starts on a machine without pango. The
PDF is cached in the var folder, keyed by the published versions (a newly published version
makes a new key, so the next request renders afresh).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from outpost.geo.models import OutpostStation
from outpost.knowledge import queries
from outpost.knowledge.models import ArticleVersion
from outpost.knowledge.text import blocks
from outpost.stations.models import OpeningSpan

STYLESHEET = Path(__file__).parent / "data" / "handbook.css"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DISTRICT_NAME = "南京市鼓楼区"


@dataclass(frozen=True)
class Contact:
    community: str
    outpost: str
    hours: str


def contacts() -> list[Contact]:
    """Every community's outpost with its opening hours (public, as on the portal; two
    queries)."""
    stations = list(OutpostStation.objects.select_related("community").order_by("community__code"))
    spans: dict[int, dict[int, list[str]]] = {}
    for span in OpeningSpan.objects.order_by("station", "weekday", "opens"):
        day = spans.setdefault(span.station_id, {}).setdefault(span.weekday, [])
        day.append(f"{span.opens:%H:%M}–{span.closes:%H:%M}")
    found = []
    for station in stations:
        days = spans.get(station.pk, {})
        hours = "；".join(f"{WEEKDAYS[d % 7]} {'、'.join(t)}" for d, t in sorted(days.items()))
        found.append(Contact(station.community.name, station.name, hours))
    return found


def context() -> dict[str, Any]:
    """What the handbook prints (three queries: the published versions, the outposts, their
    hours), read whether or not a cached rendering is used, so requests read alike."""
    by_kind = queries.published_by_kind()
    versions = [v for _kind, _label, rows in by_kind for v in rows]
    edition = max((v.published_at for v in versions if v.published_at), default=None)
    return {
        "district": DISTRICT_NAME,
        "groups": [
            {"kind": kind, "label": label, "articles": [(v, blocks(v.body)) for v in rows]}
            for kind, label, rows in by_kind
        ],
        "contacts": contacts(),
        "edition": timezone.localtime(edition or timezone.now()),
        "key": cache_key(versions),
    }


def render_html(shown: dict[str, Any]) -> str:
    """In the site's language whoever asks (the handbook is printed for residents)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("knowledge/handbook.html", shown)


def render_pdf(shown: dict[str, Any]) -> bytes:
    import weasyprint  # type: ignore[import-untyped]  # lazily: pango only where PDFs are made

    html = weasyprint.HTML(string=render_html(shown), base_url=str(settings.BASE_DIR))
    return bytes(html.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]))


def cache_key(versions: list[ArticleVersion]) -> str:
    """Keyed by the published versions (their ids and when each was published)."""
    stamps = sorted((v.pk, v.published_at.isoformat() if v.published_at else "") for v in versions)
    text = ";".join(f"{pk}@{at}" for pk, at in stamps)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cached_pdf() -> bytes:
    """The handbook as last rendered for the current published versions; rendered (and older
    renderings removed) when an article was published since."""
    shown = context()
    folder = Path(settings.VAR_DIR) / "handbook"
    path = folder / f"handbook-{shown['key']}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = render_pdf(shown)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("handbook-*.pdf"):
        old.unlink(missing_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(pdf)
    partial.replace(path)
    return pdf
