"""Real files for upload tests: a phone photo carrying GPS and device EXIF, a PDF, impostors."""

import io

from PIL import Image

from tests.cases.pdfs import pdf_file

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def phone_photo(width: int = 64, height: int = 48, rotated: bool = True) -> bytes:
    """A JPEG as a phone writes it: GPS position (鼓楼区), the maker, and 'rotate 90° to view'."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    if rotated:
        exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (32.0, 3.0, 40.5), 3: "E", 4: (118.0, 46.0, 12.25)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def exif_of(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def small_pdf(extra: bytes = b"") -> bytes:
    """A PDF a reader can read through (cross-reference table, trailer); `extra` goes into the
    catalog."""
    catalog = b"<</Type/Catalog/Pages 2 0 R" + extra + b">>"
    return pdf_file({1: catalog, 2: b"<</Type/Pages/Kids[]/Count 0>>"})


HTML_AS_JPEG = b"<html><script>alert(1)</script></html>"


def assert_served_as_download(answer: object, filename_part: str) -> None:
    """A stored file's answer: a download (never shown by the browser as a page of ours), its
    type not guessed from its bytes, and sandboxed should a browser open it anyway."""
    headers = answer.headers  # type: ignore[attr-defined]
    assert answer.status_code == 200, answer.status_code  # type: ignore[attr-defined]
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and filename_part in disposition, disposition
    assert headers["X-Content-Type-Options"] == "nosniff"
    policies = [p.strip() for p in headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in policies and "default-src 'none'" in policies, policies
