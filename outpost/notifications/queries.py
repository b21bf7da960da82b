"""Reading one's own inbox: nobody reads another's. Words come from the subject's app, checked
for the reader when read (`outpost.notifications.subjects`)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from outpost.accounts.models import User
from outpost.notifications.models import Notification
from outpost.notifications.subjects import SUBJECTS, Worded


@dataclass(frozen=True)
class Message:
    note: Notification
    text: str
    url: str
    ref: str


def messages_for(user: User, kind: str | None = None) -> QuerySet[Notification]:
    found = Notification.objects.filter(user_id=user.pk)
    return found.filter(subject_kind=kind) if kind else found


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    kept = user.__dict__.get("_outpost_unread")
    if kept is None:
        kept = messages_for(user).filter(read_at__isnull=True).count()
        user.__dict__["_outpost_unread"] = kept
    return kept


def worded(messages: Iterable[Notification], viewer: User) -> list[Message]:
    """Each message with its words and page for this reader (one read per subject kind)."""
    found = list(messages)
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for note in found:
        by_kind[note.subject_kind].append(note)
    words: dict[int, Worded] = {}
    for kind, notes in by_kind.items():
        if kind in SUBJECTS:
            words.update(SUBJECTS[kind](notes, viewer))
    gone = Worded(_("A message about something no longer here"), "")
    said = [(n, words.get(n.pk, gone)) for n in found]
    return [Message(n, w.text, w.url, w.ref) for n, w in said]
