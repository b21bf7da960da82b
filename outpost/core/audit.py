"""Writing change records. Services call `record_change` inside their own transaction."""

from typing import TYPE_CHECKING, Any

from outpost.core.context import current_context, stored_user
from outpost.core.models import ChangeRecord

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def record_change(
    *,
    actor: "AbstractBaseUser | AnonymousUser | None",
    action: str,
    object_type: str,
    object_key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeRecord:
    ctx = current_context()
    return ChangeRecord.objects.create(
        actor=stored_user(actor),
        origin=ctx.origin,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type,
        object_key=object_key,
        before=before,
        after=after,
    )
