"""Writing messages: apps call `notify` inside the transaction of the step that caused them."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from outpost.accounts.models import User
from outpost.notifications.models import Notification


def notify(
    user_ids: Iterable[int], kind: str, subject_id: int, event: str, now: dt.datetime
) -> int:
    """One message per reader about `kind`:`subject_id`; the number written."""
    rows = [
        Notification(
            user_id=u, subject_kind=kind, subject_id=subject_id, event=event, created_at=now
        )
        for u in set(user_ids)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def mark_read(user: User, pk: int | None = None) -> int:
    """Mark one of the user's messages (or all of them) read; nobody marks another's."""
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
