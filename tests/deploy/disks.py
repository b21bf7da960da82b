"""A full upload disk for the fault tests: files that do not compress, a disk filled to the
last few bytes, the files kept on it."""

import errno
import io
import os
from pathlib import Path

from PIL import Image


def noise_png(side: int) -> bytes:
    """A photo that does not compress: its kept copy is about side² × 3 bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def fill(folder: Path, leave: int) -> Path:
    """Write until the disk is full, then give back `leave` bytes."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return filler


def kept_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file() and p.name != "filler")
