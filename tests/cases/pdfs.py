"""PDFs written object by object, for upload tests: plain ones and hostile ones that hide
scripts, actions, forms and embedded files from a search of the bytes."""

import io
import zlib

from pypdf import PdfWriter

PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]"


def pdf_file(objects: dict[int, bytes]) -> bytes:
    """A PDF with a classic cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        )
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def one_page(catalog: bytes = b"", page: bytes = b"", *more: bytes) -> bytes:
    """A one-page document; `catalog` and `page` are added to those dictionaries, `more` are
    objects 4, 5 … that they may refer to."""
    objects = {
        1: b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: PAGE + page + b">>",
    }
    objects |= {4 + i: body for i, body in enumerate(more)}
    return pdf_file(objects)


def in_object_stream(catalog: bytes, action: bytes) -> bytes:
    """The catalog and an action kept compressed in an object stream (PDF 1.5), found through
    a cross-reference stream: none of their names appear in the file's bytes."""
    inner = {1: b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>", 5: action}
    header, body = b"", b""
    for number, text in inner.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    packed = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = {
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: PAGE + b">>",
        4: b"<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
        % (len(inner), len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    for number, text in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + text + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # object 0: free
    for number in range(1, 7):
        if number in inner:
            rows.append(
                b"\x02" + (4).to_bytes(4, "big") + list(inner).index(number).to_bytes(2, "big")
            )
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Length %d>>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="", owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
