"""The hash-chained access log (访问日志): appending, verifying and pruning.

Each row's hash covers its fields and the hash of the row before, so a row changed, removed or
inserted between others no longer fits the chain. `AccessLogHead` holds the newest hash (locked
while a row is appended) and, after a prune, the anchor: the hash of the last removed row, which
the oldest kept row chains onto. The prune itself is a row naming that anchor.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.core.context import current_context, stored_user
from outpost.core.models import GENESIS, AccessLogEntry, AccessLogHead

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# The actions written to the log, for the auditors' filter and the export.
ACTIONS = {
    "view_person": _("Person viewed"),
    "unmask": _("Numbers unmasked"),
    "export": _("Export"),
    "break_glass": _("Emergency access"),
    "break_glass_miss": _("Emergency access: nobody found"),
    "login": _("Signed in"),
    "second_factor": _("Second factor passed"),
    "logout": _("Signed out"),
    "login_failed": _("Sign-in failed"),
    "prune": _("Old rows removed"),
    "list_people": _("People listed or searched"),
    "number_lookup": _("Lookup by ID or phone number"),
    "import": _("Registry import"),
}
# What a row is about (`object_type`), as the pages and the export name it. Registry reads name
# where they were made: the people list (page or API), the verification queue, a household.
OBJECT_TYPES = {
    "person": _("Person"),
    "user": _("User"),
    "access_log": _("Access log"),
    "household": _("Household"),
    "people": _("People"),
    "persons": _("People"),
    "houses": _("Houses"),
    "organisations": _("Organisations"),
    "units": _("Organisations"),
    "addresses": _("Standard addresses"),
    "page": _("People list (page)"),
    "api": _("People list (API)"),
    "queue": _("Verification queue"),
    "service_request": _("Service request"),
    "assessment": _("Assessment results"),
}
# The machine-written purposes (a read's row count, an import's outcome counts, a sign-in through
# the API), worded when shown; what a person typed is shown as typed.
PURPOSE_WORDS = {
    "rows": _("Rows read"),
    "dry_run": _("Check only, nothing written"),
    "created": _("Created"),
    "submitted": _("Submitted for verification"),
    "merged": _("Merged"),
    "unchanged": _("Unchanged"),
    "rejected": _("Rejected"),
    "api": _("Signed in through the API"),
}
MACHINE_PART = re.compile(r"^([a-z_]+)(?:=(\d+))?$")


def worded_purpose(purpose: str) -> str:
    """`rows=3; dry_run; created=2` → 行数 3；仅检查，未写入；新建 2."""
    parts = [p.strip() for p in purpose.split(";") if p.strip()]
    matched = [MACHINE_PART.match(p) for p in parts]
    if not parts or not all(m and m.group(1) in PURPOSE_WORDS for m in matched):
        return purpose
    return "；".join(_worded(m) for m in matched if m)


def _worded(part: re.Match[str]) -> str:
    word, number = str(PURPOSE_WORDS[part.group(1)]), part.group(2)
    return f"{word} {number}" if number else word


# Fields added after the first rows were written: hashed only when set, so older rows still
# verify, while setting or clearing one on a row that had it changes the hash.
OPTIONAL_FIELDS = ("client_ip", "civil_code", "police_code")


def row_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def chained_fields(entry: AccessLogEntry) -> dict[str, Any]:
    """The fields the hash covers, as they are stored."""
    fields = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_key": entry.object_key,
        "purpose": entry.purpose,
        "request_id": entry.request_id,
    }
    for name in OPTIONAL_FIELDS:
        if value := getattr(entry, name):
            fields[name] = value
    return fields


@transaction.atomic
def log_access(
    *,
    actor: "AbstractBaseUser | AnonymousUser | None",
    action: str,
    object_type: str,
    object_key: str,
    purpose: str = "",
    actor_name: str | None = None,
    client_ip: str | None = None,
    civil_code: str = "",
    police_code: str = "",
) -> AccessLogEntry:
    """Append one row. `actor_name` names who tried when there is no user (a failed sign-in);
    the client address defaults to the current request's."""
    head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
    ctx = current_context()
    entry = AccessLogEntry(
        at=timezone.now(),
        actor=stored_user(actor),
        actor_name=(actor_name or getattr(actor, "username", "") or "system")[:150],
        action=action,
        object_type=object_type,
        object_key=object_key[:64],
        purpose=purpose[:200],
        request_id=ctx.request_id,
        client_ip=(ctx.client_ip if client_ip is None else client_ip) or None,
        civil_code=civil_code,
        police_code=police_code,
        prev_hash=head.last_hash,
    )
    entry.row_hash = row_digest(entry.prev_hash, chained_fields(entry))
    entry.save()
    head.last_hash = entry.row_hash
    head.save(update_fields=["last_hash"])
    return entry


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    rows: int
    problem: str = ""  # empty when the chain is whole

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_chain() -> ChainReport:
    """Walk the rows in id order: each must match its own hash and chain onto the row before
    (the first onto the anchor), and the head must name the last. The first break is named.

    The walk reads one snapshot of the log (rows appended or pruned meanwhile are left for the
    next run) and takes no lock, so appends go on while it runs."""
    with transaction.atomic():
        _one_snapshot()
        head, _ = AccessLogHead.objects.get_or_create(pk=1)
        last_id = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        previous, n = head.anchor_hash, 0
        rows = AccessLogEntry.objects.filter(id__lte=last_id or 0).order_by("id")
        for entry in rows.iterator(chunk_size=2000):
            n += 1
            if entry.row_hash != row_digest(entry.prev_hash, chained_fields(entry)):
                return ChainReport(n, _changed(n, entry))
            if entry.prev_hash != previous:
                return ChainReport(n, _broken_link(n, entry, previous, head.last_hash))
            previous = entry.row_hash
        if head.last_hash != previous:
            return ChainReport(n, _bad_head(head.last_hash))
        return ChainReport(n, _anchor_problem(head))


def _one_snapshot() -> None:
    """On PostgreSQL, make the transaction just opened read one snapshot throughout
    (REPEATABLE READ); SQLite's read transactions already do. Inside a transaction begun by a
    caller, the caller's isolation stands."""
    outermost = len(connection.atomic_blocks) == 1
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _changed(n: int, entry: AccessLogEntry) -> str:
    return _("Row %(n)s (id=%(id)s) was changed: its content does not match its hash") % {
        "n": n,
        "id": entry.pk,
    }


def _broken_link(n: int, entry: AccessLogEntry, previous: str, head_hash: str) -> str:
    """Why row `n` does not chain onto the row before it: it or the rows just before it do not
    belong (inserted), the rows are out of order, or a row before it is missing (removed)."""
    following = AccessLogEntry.objects.filter(id__gt=entry.pk).order_by("id").first()
    if following is not None and following.prev_hash == previous:
        return _(
            "Row %(n)s (id=%(id)s) was inserted: the rows before and after it chain onto each other"
        ) % {"n": n, "id": entry.pk}
    origin = AccessLogEntry.objects.filter(row_hash=entry.prev_hash).first()
    if origin is not None and origin.pk < entry.pk:
        # Two rows chain onto `origin`: the branch that leads to the head is the real one.
        newest = AccessLogEntry.objects.filter(row_hash=head_hash).first()
        if newest is not None and origin.pk < newest.pk < entry.pk:
            return _(
                "Row %(n)s (id=%(id)s) was inserted: it chains onto the earlier id=%(origin)s"
            ) % {"n": n, "id": entry.pk, "origin": origin.pk}
        intruder = AccessLogEntry.objects.filter(id__gt=origin.pk).order_by("id").first()
        assert intruder is not None  # `entry` itself comes after `origin`
        return _(
            "The rows from id=%(intruder)s were inserted: the later id=%(id)s chains onto "
            "id=%(origin)s"
        ) % {"intruder": intruder.pk, "id": entry.pk, "origin": origin.pk}
    if origin is not None:
        return _(
            "Row %(n)s (id=%(id)s) is out of order: it chains onto the later id=%(origin)s"
        ) % {"n": n, "id": entry.pk, "origin": origin.pk}
    return _(
        "Row %(n)s (id=%(id)s) does not chain onto the row before it: rows before it are "
        "missing (removed), or the row before was changed and its hash recomputed"
    ) % {"n": n, "id": entry.pk}


def _bad_head(head_hash: str) -> str:
    origin = AccessLogEntry.objects.filter(row_hash=head_hash).first()
    if origin is not None:
        intruder = AccessLogEntry.objects.filter(id__gt=origin.pk).order_by("id").first()
        where = f"id={intruder.pk}" if intruder else _("the end")
        return _("The rows from %(where)s were inserted: the head stops at id=%(origin)s") % {
            "where": where,
            "origin": origin.pk,
        }
    return gettext(
        "The head does not match the last row: rows at the end were removed, or the last row "
        "was changed and its hash recomputed"
    )


def _anchor_problem(head: AccessLogHead) -> str:
    """A pruned log starts from an anchor, which the newest prune row must name."""
    if head.anchor_id == 0 and head.anchor_hash == GENESIS:
        return ""
    prune = AccessLogEntry.objects.filter(action="prune").order_by("-id").first()
    if prune is None or prune.object_key != str(head.anchor_id):
        return gettext(
            "The chain's starting point (anchor) has no prune record: the earliest rows may "
            "have been removed"
        )
    if not prune.purpose.startswith(f"anchor={head.anchor_hash};"):
        return _(
            "The chain's starting point (anchor) does not match the prune record (id=%(id)s)"
        ) % {"id": prune.pk}
    return ""


# --- pruning ----------------------------------------------------------------------------------


def prune_before(cutoff: dt.datetime) -> int:
    """Remove the rows written before `cutoff` (a run of the oldest ids), keep the last removed
    row's hash as the anchor, and log the prune. Returns how many rows went.

    The head is locked only once the rows are deleted: every append (each person's page
    opened) waits for it, and deleting a month of a city's log takes seconds
    (`bench/access_log_prune.py`). Deletes and anchor commit together."""
    last = AccessLogEntry.objects.filter(at__lt=cutoff).order_by("-id").first()
    if last is None:
        return 0
    with transaction.atomic():
        removed, _ = AccessLogEntry.objects.filter(id__lte=last.pk).delete()
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        if head.anchor_id >= last.pk:
            return removed  # a prune at the same moment reached further: its anchor stands
        head.anchor_id, head.anchor_hash = last.pk, last.row_hash
        head.save(update_fields=["anchor_id", "anchor_hash"])
        log_access(
            actor=None,
            action="prune",
            object_type="access_log",
            object_key=str(last.pk),
            purpose=f"anchor={last.row_hash}; removed={removed}; "
            f"before={cutoff.date().isoformat()}",
        )
    return removed
