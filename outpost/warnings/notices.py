"""Inbox messages about warnings: the rule and the unit, read now for this reader (never a
subject's title or name: the evidence is only on the warning's page, through its presenters).
A warning the reader no longer sees is named nowhere."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outpost.accounts.scope import restrict
from outpost.notifications.models import Notification
from outpost.notifications.subjects import Worded
from outpost.warnings.models import EarlyWarning
from outpost.warnings.queries import may_see, rule_name, unit_names

RAISED = _("New early warning for %(unit)s: %(rule)s")
UNSEEN = _("An early warning you can no longer see")


def worded(notes: Sequence[Notification], viewer: Any) -> dict[int, Worded]:
    ids = {n.subject_id for n in notes}
    seen: dict[int, EarlyWarning] = {}
    if may_see(viewer):
        rows = restrict(EarlyWarning.objects.filter(pk__in=ids), viewer, "view_cases")
        seen = {w.pk: w for w in rows}
    names = unit_names(seen.values())
    words = {}
    for note in notes:
        w = seen.get(note.subject_id)
        if w is None:
            words[note.pk] = Worded(str(UNSEEN), "")
            continue
        unit = names.get((w.unit_kind, w.unit_code), w.unit_code)
        text = str(RAISED % {"unit": unit, "rule": rule_name(w)})
        words[note.pk] = Worded(text, reverse("warnings:detail", args=[w.pk]), str(w.pk))
    return words
