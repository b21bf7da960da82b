"""Appending to the hash-chained access log (访问日志)."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from outpost.core.context import current_context, stored_user
from outpost.core.models import AccessLogEntry, AccessLogHead


def row_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def chained_fields(entry: AccessLogEntry) -> dict[str, Any]:
    """The fields the hash covers, as they are stored."""
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_key": entry.object_key,
        "purpose": entry.purpose,
        "request_id": entry.request_id,
    }


@transaction.atomic
def log_access(
    *, actor: Any, action: str, object_type: str, object_key: str, purpose: str = ""
) -> AccessLogEntry:
    head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
    entry = AccessLogEntry(
        at=timezone.now(),
        actor=stored_user(actor),
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_key=object_key,
        purpose=purpose,
        request_id=current_context().request_id,
        prev_hash=head.last_hash,
    )
    entry.row_hash = row_digest(entry.prev_hash, chained_fields(entry))
    entry.save()
    head.last_hash = entry.row_hash
    head.save(update_fields=["last_hash"])
    return entry
