"""The hook through which apps above word their own messages (notifications sits below them).

An app registers, in `AppConfig.ready`, for its subject kind: `words`, taking that kind's
messages and the reader and answering, per message id, the words and the page to open, checking
now what the reader may see (cases: `cases.notices.worded`; instructions:
`instructions.queries.worded_messages`). Opening a message leads to that page, so a subject the
reader no longer sees is named neither in the words nor in the page's address."""

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

SUBJECTS: dict[str, Words] = {}


def register(kind: str, words: Words) -> None:
    SUBJECTS[kind] = words
