"""The GeoReport v2 answers in its two formats. Views build plain values (dicts in the
specification's element order, `Many` for repeated elements) and `answer` writes them as JSON or
as XML with the specification's root and element names."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

# Characters XML 1.0 cannot hold (control characters other than tab and line breaks).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


@dataclass(frozen=True)
class Many:
    """Repeated elements: a JSON array; in XML one `item` element per entry."""

    item: str
    entries: list[Any]


def w3_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 as the w3 note writes it, in the site's time zone with its offset
    (2026-12-06T09:03:01+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def answer(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    """`body` is a dict (one object under `root`) or a `Many` (the root holds the entries)."""
    if fmt == "json":
        text = json.dumps(_plain(body), ensure_ascii=False)
    else:
        element = ET.Element(root)
        _fill(element, body)
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, "unicode")
    return HttpResponse(text.encode("utf-8"), status=status, content_type=FORMATS[fmt])


def errors(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error body: `<errors><error><code/><description/></error></errors>`
    (a JSON array of {code, description}), the code being the HTTP status."""
    body = Many("error", [{"code": status, "description": description}])
    return answer(fmt, "errors", body, status=status)


def _plain(value: Any) -> Any:
    if isinstance(value, Many):
        return [_plain(v) for v in value.entries]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Many):
        for entry in value.entries:
            _fill(ET.SubElement(element, value.item), entry)
    elif isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
