"""The hook through which apps above word their own messages (notifications sits below them).

An app registers, in `AppConfig.ready`, for its subject kind: `words`, taking that kind's
messages and the reader and answering, per message id, the words and the page to open, checking
now what the reader may see (cases: `cases.notices.worded`; instructions:
`instructions.queries.worded_messages`); and `link`, the page one message opens (that page's own
scope check guards it), or "" for none."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outpost.notifications.models import Notification


@dataclass(frozen=True)
class Worded:
    text: str
    url: str  # where opening the message leads ("" when nothing the reader may open)
    ref: str = ""  # the subject's public reference (a case number), for the API


Words = Callable[[Sequence["Notification"], Any], dict[int, Worded]]
Link = Callable[["Notification"], str]


@dataclass(frozen=True)
class Subject:
    words: Words
    link: Link


SUBJECTS: dict[str, Subject] = {}


def register(kind: str, words: Words, link: Link) -> None:
    SUBJECTS[kind] = Subject(words, link)


def link(note: "Notification") -> str:
    subject = SUBJECTS.get(note.subject_kind)
    return subject.link(note) if subject else ""
