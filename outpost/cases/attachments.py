"""Photos and PDFs on cases: checked by what the bytes are (not the name or the browser's word),
size-limited, and photos re-encoded so no EXIF (GPS position, device, owner) is kept."""

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from outpost.cases.models import Attachment, Case
from outpost.core.context import stored_user

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
NOT_ACCEPTED = "文件“{}”不是可接受的照片或 PDF（仅限 JPEG、PNG、WebP、PDF）"
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile")
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
        raise ValidationError(_too_big(name))
    return name, upload.read()


def _too_big(name: str) -> str:
    return f"文件“{name}”超过 {settings.OUTPOST_MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB 的上限"


def clean_upload(name: str, data: bytes) -> CleanFile:
    """The file as it will be kept, or ValidationError saying in Chinese what is wrong."""
    if len(data) > settings.OUTPOST_MAX_ATTACHMENT_BYTES:
        raise ValidationError(_too_big(name))
    if not data:
        raise ValidationError(f"文件“{name}”是空的")
    if data.startswith(b"%PDF-"):
        return _clean_pdf(name, data)
    return _clean_image(name, data)


def _clean_pdf(name: str, data: bytes) -> CleanFile:
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(f"文件“{name}”不是完整的 PDF")
    if any(marker in data for marker in PDF_ACTIVE):
        raise ValidationError(f"文件“{name}”含有脚本或嵌入文件，不能上传")
    return CleanFile(_stem(name) + ".pdf", "application/pdf", data)


def _clean_image(name: str, data: bytes) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in IMAGE_TYPES or probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(NOT_ACCEPTED.format(name))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(NOT_ACCEPTED.format(name)) from None
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


def store(
    case: Case, files: list[tuple[str, bytes]], *, actor: Any, purpose: str
) -> list[Attachment]:
    """Check every file first, then keep them all; one bad file keeps none (nothing half-done)."""
    already = case.attachments.count()
    if already + len(files) > settings.OUTPOST_MAX_ATTACHMENTS:
        raise ValidationError(f"每个案件最多 {settings.OUTPOST_MAX_ATTACHMENTS} 个附件")
    cleaned = [clean_upload(name, data) for name, data in files]
    now = timezone.now()
    return [_keep(case, f, actor, purpose, now) for f in cleaned]


def _keep(case: Case, clean: CleanFile, actor: Any, purpose: str, now: Any) -> Attachment:
    path, digest = save_content("cases", clean)
    attachment = Attachment(
        case=case,
        purpose=purpose,
        name=clean.name,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=digest,
        uploaded_by=stored_user(actor),
        uploaded_at=now,
    )
    attachment.file.name = path
    attachment.save()
    return attachment


def save_content(folder: str, clean: CleanFile) -> tuple[str, str]:
    """Store checked bytes under their SHA-256 (the same bytes are kept once): (path, digest)."""
    digest = hashlib.sha256(clean.data).hexdigest()
    path = f"{folder}/{digest[:2]}/{digest}.{clean.name.rsplit('.', 1)[-1]}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(clean.data))
    return path, digest
