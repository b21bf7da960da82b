"""Messages to residents' phones (SMS), through one pluggable sender.

OUTPOST_SMS_BACKEND names the backend: "console" (the log, the default in development),
"file" (one JSON line per message appended to OUTPOST_VAR_DIR/outbox/sms.jsonl: what tests
and demos read) or a dotted path to a class of your own.

An SMS gateway backend is a class with a no-argument constructor and one method:

    class MyGateway:
        def send(self, phone: str, text: str) -> None:
            '''Deliver `text` (Chinese, at most ~200 characters, signed 【平安前哨】) to the
            11-digit mobile `phone`. Raise SenderError when the gateway refuses it; the portal
            then tells the resident to try again later and keeps nothing half-done.'''

Configure its credentials through its own environment variables; the portal never logs or
stores a message's text (it may hold a one-time code), only that one was sent.
"""

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from outpost.core.masking import mask_phone

log = logging.getLogger("outpost.portal")


class SenderError(Exception):
    """The gateway did not take the message."""


class Sender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSender:
    """Writes each message to the log (development: the code shows in the server's output)."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms to=%s text=%s", mask_phone(phone), text)


class FileSender:
    """Appends each message as a JSON line to OUTPOST_VAR_DIR/outbox/sms.jsonl."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or outbox_dir()

    def send(self, phone: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = {"at": timezone.now().isoformat(), "phone": phone, "text": text}
        with (self.folder / "sms.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


BACKENDS = {"console": ConsoleSender, "file": FileSender}


def outbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "outbox"


def read_outbox(folder: Path | None = None) -> list[dict[str, str]]:
    """The messages the file backend has written, oldest first."""
    path = (folder or outbox_dir()) / "sms.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def get_sender() -> Sender:
    name = settings.OUTPOST_SMS_BACKEND
    backend = BACKENDS.get(name) or import_string(name)
    sender: Sender = backend()
    return sender
