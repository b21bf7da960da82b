"""Photos a report form came back with (待提交照片): when something else on the form was wrong,
the photos already taken are kept for the same user for a day, so nobody in the street has to
take them again. The form carries signed tickets; the bytes stay on the server, checked and
stripped of location data like every attachment."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from outpost.accounts.models import User
from outpost.cases.attachments import clean_upload

KEEP = dt.timedelta(hours=24)
MAX_KEPT = 20  # per user: a form sent back in a loop cannot fill the disk
SALT = "outpost.cases.pending"
FOLDER = "pending"


@dataclass(frozen=True)
class KeptPhoto:
    ticket: str
    name: str
    key: str


def keep(files: list[tuple[str, bytes]], user: User) -> list[KeptPhoto]:
    """Keep the acceptable photos of a form that came back; a file that is no photo is left out
    (the form says why)."""
    _purge(user)
    _make_room(user, len(files))
    kept = []
    for name, data in files[:MAX_KEPT]:
        try:
            clean = clean_upload(name, data)
        except ValidationError:
            continue
        key = secrets.token_urlsafe(16)
        default_storage.save(_path(user, key), ContentFile(clean.data))
        ticket = signing.dumps({"k": key, "n": clean.name[:100], "u": user.pk}, salt=SALT)
        kept.append(KeptPhoto(ticket, clean.name, key))
    return kept


def valid(tickets: list[str], user: User) -> list[KeptPhoto]:
    """The kept photos these tickets name: this user's, within the day, still on disk. A forged,
    foreign or expired ticket names nothing."""
    found = []
    for ticket in dict.fromkeys(tickets):
        try:
            held = signing.loads(ticket, salt=SALT, max_age=KEEP)
        except signing.BadSignature:
            continue
        if held.get("u") == user.pk and default_storage.exists(_path(user, held["k"])):
            found.append(KeptPhoto(ticket, str(held["n"]), str(held["k"])))
    return found


def read(photos: list[KeptPhoto], user: User) -> list[tuple[str, bytes]]:
    files = []
    for photo in photos:
        with default_storage.open(_path(user, photo.key), "rb") as stored:
            files.append((photo.name, stored.read()))
    return files


def drop(photos: list[KeptPhoto], user: User) -> None:
    """Once the report is filed, its kept photos live on as its attachments."""
    for photo in photos:
        default_storage.delete(_path(user, photo.key))


def _path(user: User, key: str) -> str:
    return f"{FOLDER}/{user.pk}/{key}"


def _purge(user: User) -> None:
    """Photos kept for longer than a day are forgotten."""
    _purge_folder(f"{FOLDER}/{user.pk}")


def _purge_folder(folder: str) -> int:
    if not default_storage.exists(folder):
        return 0
    old, gone = timezone.now() - KEEP, 0
    for name in default_storage.listdir(folder)[1]:
        if default_storage.get_modified_time(f"{folder}/{name}") < old:
            default_storage.delete(f"{folder}/{name}")
            gone += 1
    return gone


def _make_room(user: User, coming: int) -> None:
    """At most MAX_KEPT photos per user: the oldest give way to the newest."""
    folder = f"{FOLDER}/{user.pk}"
    if not default_storage.exists(folder):
        return
    names = default_storage.listdir(folder)[1]
    names.sort(key=lambda n: default_storage.get_modified_time(f"{folder}/{n}"))
    for name in names[: max(0, len(names) + min(coming, MAX_KEPT) - MAX_KEPT)]:
        default_storage.delete(f"{folder}/{name}")


def purge_all() -> int:
    """Forget every kept photo older than a day, of anyone (run by the supervision sweep): one
    who never comes back to the form leaves nothing behind for long."""
    if not default_storage.exists(FOLDER):
        return 0
    return sum(_purge_folder(f"{FOLDER}/{d}") for d in default_storage.listdir(FOLDER)[0])
