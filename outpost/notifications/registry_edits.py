"""Messages about the registry (一标三实): a collector hears when the beat's officer returns what
they entered, with the reason. The registry sits below this app, so it announces a returned
edit through its own hook (`registry.edits.RETURN_HOOKS`), which this module fills."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outpost.notifications.models import Notification
from outpost.notifications.services import notify
from outpost.notifications.subjects import Worded
from outpost.registry.edits import returned_to
from outpost.registry.models import RecordEdit

KIND = "registry_edit"


def tell_collector(edit: RecordEdit) -> None:
    """The collector's message, written in the officer's transaction."""
    if edit.collected_by_id is not None:
        notify([edit.collected_by_id], KIND, edit.pk, "returned", timezone.now())


def worded(notes: Sequence[Notification], reader: Any) -> dict[int, Worded]:
    """The record and the reason, read now: only of edits the reader still may see as theirs
    (one that left their area reads as a message about something no longer here)."""
    ids = {n.subject_id for n in notes}
    edits = {e.pk: e for e in returned_to(reader).filter(pk__in=ids)}
    page = reverse("registry:returned")
    found = {}
    for note in notes:
        edit = edits.get(note.subject_id)
        if edit is not None:
            text = _("Returned: %(record)s. Reason: %(reason)s") % {
                "record": edit.label,
                "reason": edit.return_reason,
            }
            found[note.pk] = Worded(text, page, edit.record_key)
    return found
