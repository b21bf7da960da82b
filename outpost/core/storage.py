"""Where uploaded files are kept (settings.STORAGES["default"]): Django's file system storage,
written so that a full disk leaves nothing behind. Each file is written under a temporary name
in the storage's `.partial/` folder, flushed to the disk (fsync) and only then linked under its
own name, so nobody ever finds a half-written file under a real name (a process killed while
writing leaves its temporary file there; the sweep removes those after an hour). When the disk
(or the quota) is full the temporary file is removed and `StorageFull` is raised; the pages and
the API answer it with 507 and a message that nothing was saved (`core.errors`,
`outpost.api`), and the transaction that would have named the file is rolled back with it."""

import errno
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage

FULL = (errno.ENOSPC, errno.EDQUOT)
PARTIAL = ".partial"  # on the same disk as the files, so a link names them without copying
STALE_SECONDS = 3600  # a write takes seconds; older temporary files lost their process


class StorageFull(Exception):
    """The disk that keeps uploads is full: nothing of the file was kept."""


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        folder, partial = os.path.dirname(self.path(name)), self.path(PARTIAL)
        try:
            os.makedirs(folder, exist_ok=True)
            os.makedirs(partial, exist_ok=True)
            temp = _write_temporary(partial, content, self.file_permissions_mode)
        except OSError as error:
            if error.errno in FULL:
                raise StorageFull(name) from error
            raise
        try:
            name = self._link(temp, name)
        finally:
            os.unlink(temp)
        _sync_folder(folder)
        return str(name).replace("\\", "/")

    def _link(self, temp: str, name: str) -> str:
        """The complete file under its own name; a name taken meanwhile is never overwritten."""
        while True:
            try:
                os.link(temp, self.path(name))
                return name
            except FileExistsError:
                name = self.get_available_name(name)


def _write_temporary(folder: str, content: Any, mode: int | None) -> str:
    """Every byte written and on the disk under a temporary name, or none of it left behind."""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        for chunk in content.chunks():
            _write_all(fd, chunk.encode() if isinstance(chunk, str) else chunk)
        os.fsync(fd)
        os.fchmod(fd, 0o644 if mode is None else mode)
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise
    os.close(fd)
    return temp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_folder(folder: str) -> None:
    """The new name itself on the disk, so a power cut cannot lose a file already recorded."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_partials(root: Path, now: float | None = None) -> int:
    """Temporary files of writes whose process died (kill -9, a power cut): removed once they
    are STALE_SECONDS old. Returns how many."""
    folder, now = root / PARTIAL, now or time.time()
    removed = 0
    for path in folder.glob(".partial-*") if folder.is_dir() else ():
        try:
            if path.stat().st_mtime < now - STALE_SECONDS:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # finished or removed meanwhile
    return removed
