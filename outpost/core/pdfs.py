"""What a PDF would do when opened, read with a real parser (pypdf): names are compared after
their #xx escapes are decoded, and objects kept compressed in object streams are read like any
other. A search of the raw bytes sees neither.

A PDF upload is refused if anything reachable from its trailer (catalog, pages, annotations,
forms, name trees) or listed in its cross-reference tables carries an action that runs or opens
something: JavaScript, a launch, a remote go-to (another file), a form submission or import,
embedded files, XFA forms, rich media, javascript:, file: and Windows-share links. A document
that opens at a page (an /OpenAction destination array) and web or mail links are ordinary and
kept."""

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

# Keys whose presence alone means active content, and action or object types that run, open,
# send or embed something.
ACTIVE_KEYS = frozenset(
    {"/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
ACTIVE_TYPES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/GoToR",  # opens another file, by path or on a remote share
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/RichMedia",
        "/RichMediaExecute",
        "/EmbeddedFile",
        "/FileAttachment",
    }
)
# A Windows share (\\host\share) is a file: link without the scheme.
RUNNING_LINK_SCHEMES = ("javascript:", "vbscript:", "data:", "file:", "\\\\")
# A case's PDF (an agreement, a notice, a scan) has tens to a few thousand objects; each costs
# the parser ~0.2 ms, so a file made of nothing but tiny objects is refused before it costs long.
MAX_LISTED = 10_000
MAX_NODES = 200_000


class Unreadable(Exception):
    """The parser could not read the document through (damaged, encrypted or too complex)."""


def active_content(data: bytes) -> str | None:
    """The first active thing found (e.g. "/S /JavaScript", "/AA"), or None for a passive
    document; Unreadable when it cannot be read through."""
    if data.count(b"endobj") > MAX_LISTED:
        raise Unreadable("too many objects")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Unreadable("encrypted")
        listed = _every_object(reader)
        if len(listed) > MAX_LISTED:
            raise Unreadable("too many objects")
        return next(_active([reader.trailer, *listed]), None)
    except Unreadable:
        raise
    except Exception as error:  # any parser failure on hostile input means "cannot check it"
        raise Unreadable(type(error).__name__) from None


def _every_object(reader: PdfReader) -> list[IndirectObject]:
    """Every object the cross-reference tables list, reachable or not: a viewer that repairs a
    file differently from pypdf may reach what pypdf leaves out, so nothing is left unchecked."""
    listed = [(n, g) for g, numbers in reader.xref.items() for n in numbers]
    listed += [(n, 0) for n in reader.xref_objStm]
    return [IndirectObject(n, g, reader) for n, g in listed]


def _active(roots: list[PdfObject]) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()
    todo: list[PdfObject | None] = list(reversed(roots))  # an unreadable reference is None
    count = 0
    while todo:
        item = todo.pop()
        count += 1
        if count > MAX_NODES:
            raise Unreadable("too many objects")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key not in seen:
                seen.add(key)
                todo.append(item.get_object())
        elif isinstance(item, DictionaryObject):  # streams too: their dictionary
            yield from _active_entries(item)
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)


def _active_entries(entry: DictionaryObject) -> Iterator[str]:
    for key, value in entry.items():
        if key in ACTIVE_KEYS:
            yield key
        elif key == "/OpenAction" and not isinstance(_resolved(value), ArrayObject):
            yield key  # an action, not just the page to open at
    for key in ("/S", "/Type", "/Subtype"):
        kind = _resolved(entry.get(key))
        if isinstance(kind, NameObject) and kind in ACTIVE_TYPES:
            yield f"{key} {kind}"
    if _resolved(entry.get("/S")) == "/URI":
        # Browsers drop spaces, tabs and control characters inside a scheme ("java\tscript:").
        uri = "".join(ch for ch in str(_resolved(entry.get("/URI")) or "") if ch > " ").lower()
        if uri.startswith(RUNNING_LINK_SCHEMES):
            yield "/URI " + uri[:40]


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value
