"""Open311 API keys: created and deactivated by administrators (audited), checked on each post."""

import secrets

from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.tokens import LAST_USED_RESOLUTION as LAST_USED
from outpost.core.audit import record_change
from outpost.core.crypto import keyed_hash
from outpost.open311.models import ApiKey


def _hash(key: str) -> str:
    return keyed_hash(key, purpose="open311_key")


@transaction.atomic
def create_key(actor: User, name: str, owner: str, posts_per_hour: int) -> tuple[str, ApiKey]:
    """A new key; the key itself is returned once and never stored."""
    key = secrets.token_urlsafe(24)
    row = ApiKey.objects.create(
        name=name.strip()[:64],
        owner=owner.strip()[:100],
        key_hash=_hash(key),
        prefix=key[:6],
        posts_per_hour=posts_per_hour,
        created_by=actor,
    )
    after = {"name": row.name, "owner": row.owner, "posts_per_hour": posts_per_hour}
    record_change(
        actor=actor,
        action="create",
        object_type="open311.apikey",
        object_key=str(row.pk),
        after=after,
    )
    return key, row


@transaction.atomic
def deactivate_key(actor: User, row: ApiKey) -> None:
    if not row.active:
        return
    ApiKey.objects.filter(pk=row.pk).update(active=False, deactivated_at=timezone.now())
    record_change(
        actor=actor,
        action="deactivate",
        object_type="open311.apikey",
        object_key=str(row.pk),
        before={"active": True},
        after={"active": False},
    )


def key_for(raw: str) -> ApiKey | None:
    """The active key for `raw`, or None (unknown and deactivated keys look the same)."""
    if not raw or len(raw) > 100:
        return None
    row = ApiKey.objects.filter(key_hash=_hash(raw), active=True).first()
    now = timezone.now()
    # To the minute, as API tokens: an app posting for a whole city would otherwise write the
    # same row on every request (and every request would queue on that row's lock).
    if row is not None and (row.last_used_at is None or now - row.last_used_at >= LAST_USED):
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row
