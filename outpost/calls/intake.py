"""110 call files in: the columns accepted and one row checked.

Input columns are those of data/gulou/calls_110_sample.csv (`call_id, received_at, caller_phone,
location_text, content`; Chinese headers are accepted too, see `COLUMNS`). Extra columns (the
sample's `label` and `addr_id`) are ignored.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from outpost.registry.imports.base import text
from outpost.registry.tabular import TableRow, read_table
from outpost.registry.validators import FieldProblem, normalize_phone

COLUMNS: dict[str, list[str]] = {
    "call_id": ["警情编号", "接警编号", "警情号", "Call ID"],
    "received_at": ["接警时间", "报警时间", "Received At"],
    "caller_phone": ["报警电话", "报警人电话", "来电号码", "Caller Phone"],
    "location_text": ["发生地址", "事发地址", "报警地址", "地址", "Location"],
    "content": ["报警内容", "警情内容", "简要警情", "Content"],
}
REQUIRED = ("call_id", "received_at", "location_text", "content")
LABELS = {name: names[0] for name, names in COLUMNS.items()}

MAX_LOCATION = 200
MAX_CONTENT = 2000
_CALL_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")


class RowError(Exception):
    """A row that cannot be handled: the field at fault (with its Chinese header) and why."""

    def __init__(self, field: str, reason: str) -> None:
        label = LABELS.get(field, field)
        message = gettext("%(name)s (%(label)s): %(reason)s")
        super().__init__(message % {"name": field, "label": label, "reason": reason})
        self.field = field


@dataclass(frozen=True)
class IncomingCall:
    call_id: str
    received_at: dt.datetime
    caller_phone: str  # normalised, or "" when none was given
    location_text: str
    content: str


def read_calls(data: bytes, filename: str) -> list[TableRow]:
    """The rows of an uploaded CSV (UTF-8 or GBK) or xlsx; TableError when the file is unusable."""
    return read_table(data, filename, COLUMNS, REQUIRED).rows


def parse_call(values: Mapping[str, object]) -> IncomingCall:
    """One row checked; RowError names the first field at fault."""
    row = dict(values)
    call_id = text(row, "call_id")
    if not call_id:
        raise RowError("call_id", gettext("must not be empty"))
    if not _CALL_ID.match(call_id):
        why = gettext(
            "malformed: %(value)s (letters, digits and hyphens, at most 40 characters)"
        ) % {"value": call_id[:50]}
        raise RowError("call_id", why)
    location = text(row, "location_text")
    if len(location) > MAX_LOCATION:
        raise RowError("location_text", _longer_than(MAX_LOCATION))
    content = text(row, "content")
    if len(content) > MAX_CONTENT:
        raise RowError("content", _longer_than(MAX_CONTENT))
    return IncomingCall(
        call_id=call_id,
        received_at=parse_time(row.get("received_at")),
        caller_phone=_phone(text(row, "caller_phone")),
        location_text=location,
        content=content,
    )


def _longer_than(limit: int) -> str:
    return gettext("longer than %(n)s characters") % {"n": limit}


def parse_time(raw: object) -> dt.datetime:
    """ISO 8601 with or without a zone ("2026-11-18T07:12:00+08:00", "2026/11/18 07:12");
    a time without a zone is local time. An xlsx cell may already be a datetime."""
    if isinstance(raw, dt.datetime):
        when = raw
    else:
        written = str(raw or "").strip()
        if not written:
            raise RowError("received_at", gettext("must not be empty"))
        try:
            when = dt.datetime.fromisoformat(written.replace("/", "-"))
        except ValueError:
            why = gettext("unrecognised time: %(value)s (expected e.g. 2026-11-18 07:12:00)")
            raise RowError("received_at", why % {"value": written[:40]}) from None
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def _phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except FieldProblem as problem:
        raise RowError("caller_phone", str(problem)) from None
