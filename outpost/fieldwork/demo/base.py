"""What the demo's field-work generators share: the seeded world (who works which grid, the
period), explicit ids for rows that audit records name, and the audit rows themselves written in
bulk exactly as `record_change` and `log_access` write them one by one."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Max, Model
from django.utils import timezone

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.core.access import chained_fields, row_digest
from outpost.core.bulk import insert_rows, reset_sequences
from outpost.core.context import current_context
from outpost.core.models import AccessLogEntry, AccessLogHead, ChangeRecord

CHANGE_COLUMNS = ["at", "actor_id", "origin", "request_id", "action", "object_type"]
CHANGE_COLUMNS += ["object_key", "before", "after"]


@dataclass
class World:
    """The period walked (the last `days` days up to `now`) and who works where."""

    rng: random.Random
    now: dt.datetime
    days: int
    workers: dict[str, list[int]]  # grid code → its grid workers' user ids
    names: dict[int, str]  # user id → username
    changes: list[list[Any]] = field(default_factory=list)
    reads: list[AccessLogEntry] = field(default_factory=list)

    @classmethod
    def load(cls, seed: int, days: int, now: dt.datetime | None = None) -> "World":
        rows = RoleAssignment.objects.filter(role=Role.GRID_WORKER, user__is_active=True)
        workers: dict[str, list[int]] = defaultdict(list)
        for code, user in rows.order_by("scope_code", "user_id").values_list("scope_code", "user"):
            workers[code].append(user)
        ids = {u for users in workers.values() for u in users}
        names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
        return cls(random.Random(seed), now or timezone.now(), days, dict(workers), names)

    @cached_property
    def ids_by_name(self) -> dict[str, int]:
        return {name: pk for pk, name in self.names.items()}

    @property
    def start(self) -> dt.datetime:
        return self.now - dt.timedelta(days=self.days)

    def day(self, back: int) -> dt.date:
        """The local date `back` days before today."""
        return timezone.localdate(self.now) - dt.timedelta(days=back)

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        """A local moment of a day, in UTC as the database keeps it (and the log hashes it)."""
        local = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour)
        aware = timezone.make_aware(local).replace(microsecond=0)
        return aware.astimezone(dt.UTC)

    def change(
        self, at: dt.datetime, actor: int | None, action: str, kind: str, key: Any, after: Any
    ) -> None:
        """A change record as `record_change` writes it, one request per action."""
        request = f"{self.rng.getrandbits(128):032x}"
        origin = "web" if actor else current_context().origin
        row = [at, actor, origin, request, action, kind, str(key), None, after]
        self.changes.append(row)

    def read(
        self, at: dt.datetime, actor: int, key: str, purpose: str, civil: str, police: str
    ) -> None:
        """A read of a person's record as `log_access` writes it (chained when written)."""
        entry = AccessLogEntry(
            at=at,
            actor_id=actor,
            actor_name=self.names[actor],
            action="view_person",
            object_type="person",
            object_key=key[:64],
            purpose=purpose,
            request_id=f"{self.rng.getrandbits(128):032x}",
            civil_code=civil,
            police_code=police,
        )
        self.reads.append(entry)

    def flush(self) -> None:
        """Write the change records and the reads, the reads chained in time order onto the
        log's head."""
        self.changes.sort(key=lambda r: r[0])
        insert_rows(ChangeRecord, CHANGE_COLUMNS, self.changes)
        self.changes.clear()
        _chain(sorted(self.reads, key=lambda e: e.at))
        self.reads.clear()


def _chain(entries: list[AccessLogEntry]) -> None:
    if not entries:
        return
    head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
    previous = head.last_hash
    for entry in entries:
        entry.prev_hash = previous
        entry.row_hash = previous = row_digest(previous, chained_fields(entry))
    AccessLogEntry.objects.bulk_create(entries, batch_size=2000)
    head.last_hash = previous
    head.save(update_fields=["last_hash"])


class Ids:
    """Explicit primary keys, so audit rows can name rows written in bulk."""

    def __init__(self, *models: type[Model]) -> None:
        self.models = models
        self.next = {m: (m._default_manager.aggregate(n=Max("pk"))["n"] or 0) + 1 for m in models}

    def take(self, model: type[Model]) -> int:
        pk = self.next[model]
        self.next[model] = pk + 1
        return pk

    def done(self) -> None:
        """Move PostgreSQL's sequences past the ids given (SQLite follows by itself)."""
        reset_sequences(self.models)
