"""Real files for upload tests: a phone photo carrying GPS and device EXIF, a PDF, impostors."""

import io

from PIL import Image

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
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + extra + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


HTML_AS_JPEG = b"<html><script>alert(1)</script></html>"
