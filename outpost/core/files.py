"""Uploaded photos and PDFs, for every app: read within the size limit, checked by what the bytes
are (not the name or the browser's word), photos re-encoded so no EXIF (GPS position, device,
owner) is kept, stored once per content under their SHA-256, and served as downloads that run
nothing. The records naming them (`StoredFile` subclasses) live in their apps: case attachments
(`cases.attachments`), feedback photos (`instructions.photos`)."""

import hashlib
import io
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from outpost.core import pdfs
from outpost.core.models import StoredFile
from outpost.core.refusals import refusal

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
NOT_ACCEPTED = _("File “%(name)s” is not an accepted photo or PDF (JPEG, PNG, WebP or PDF only)")
PDF_ACTIVE = _("File “%(name)s” contains scripts, actions, forms or embedded files")
PDF_UNREADABLE = _(
    "File “%(name)s” cannot be read through as a PDF (damaged, encrypted or too complex)"
)
# Stricter than any page's policy: should a browser show a kept file instead of saving it, it
# runs nothing and loads nothing, in an origin of its own.
FILE_POLICY = "sandbox; default-src 'none'"
MAX_PIXELS = 40_000_000  # a phone photo is 12–50 MP; larger is a decompression bomb


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes


def read_upload(upload: Any) -> tuple[str, bytes]:
    """An uploaded file's name and bytes; one over the limit is refused before it is read."""
    name = str(upload.name or "附件")
    if upload.size > settings.OUTPOST_MAX_ATTACHMENT_BYTES:
        raise _too_big(name)
    return name, upload.read()


def _too_big(name: str) -> ValidationError:
    limit = settings.OUTPOST_MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return refusal(_("File “%(name)s” is over the %(limit)s MB limit"), name=name, limit=limit)


def clean_upload(name: str, data: bytes) -> CleanFile:
    """The file as it will be kept, or ValidationError saying in Chinese what is wrong."""
    if len(data) > settings.OUTPOST_MAX_ATTACHMENT_BYTES:
        raise _too_big(name)
    if not data:
        raise refusal(_("File “%(name)s” is empty"), name=name)
    if data.startswith(b"%PDF-"):
        return _clean_pdf(name, data)
    return _clean_image(name, data)


def _clean_pdf(name: str, data: bytes) -> CleanFile:
    if b"%%EOF" not in data[-2048:]:
        raise refusal(_("File “%(name)s” is not a complete PDF"), name=name)
    try:
        found = pdfs.active_content(data)
    except pdfs.Unreadable:
        raise refusal(PDF_UNREADABLE, name=name) from None
    if found is not None:
        raise refusal(PDF_ACTIVE, name=name)
    return CleanFile(_stem(name) + ".pdf", "application/pdf", data)


def _clean_image(name: str, data: bytes) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in IMAGE_TYPES or probe.width * probe.height > MAX_PIXELS:
                raise refusal(NOT_ACCEPTED, name=name)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise refusal(NOT_ACCEPTED, name=name) from None
    content_type, ext = IMAGE_TYPES[kind]
    return CleanFile(f"{_stem(name)}.{ext}", content_type, _without_metadata(upright, kind))


def _without_metadata(image: Image.Image, kind: str) -> bytes:
    """Re-encode from pixels only: EXIF, XMP, GPS and text chunks are not carried over."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    if kind == "JPEG" and pixels.mode not in ("RGB", "L", "CMYK"):
        pixels = pixels.convert("RGB")
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 88} if kind in ("JPEG", "WEBP") else {}
    pixels.save(out, format=kind, **options)
    return out.getvalue()


def _stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    return "".join(ch for ch in stem if ch.isalnum() or ch in "-_ （）()")[:80] or "附件"


S = TypeVar("S", bound=StoredFile)


def keep_file(record: S, folder: str, clean: CleanFile) -> S:
    """Store checked bytes under their SHA-256 (the same bytes are kept once) and save the record
    that names them."""
    digest = hashlib.sha256(clean.data).hexdigest()
    path = f"{folder}/{digest[:2]}/{digest}.{clean.name.rsplit('.', 1)[-1]}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(clean.data))
    record.name, record.content_type = clean.name, clean.content_type
    record.size, record.sha256 = len(clean.data), digest
    record.file.name = path
    record.save()
    return record


def file_response(stored: StoredFile) -> FileResponse:
    """A kept photo or PDF for someone allowed to see it (the caller checks): a download named
    as uploaded (RFC 6266), whose type the browser may not guess from its bytes and which runs
    nothing if it is opened anyway. `<img>` shows photos all the same."""
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=True,
        filename=stored.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, max-age=3600"
    return response
