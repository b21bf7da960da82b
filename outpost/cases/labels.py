"""The words people see for the workflow's states and actions, and for ratings, clocks, cards and
unit kinds: declared once, translated (English msgids, Chinese in the catalogue)."""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from outpost.cases.workflow import State
from outpost.core.i18n import worded

STATE_LABELS: dict[str, Promise] = {
    State.REPORTED: pgettext_lazy("case state", "Reported"),
    State.AWAITING_VERIFICATION: pgettext_lazy("case state", "Awaiting police verification"),
    State.ACCEPTED: pgettext_lazy("case state", "Accepted"),
    State.DISPATCHED: pgettext_lazy("case state", "Dispatched, awaiting sign-on"),
    State.HANDLING: pgettext_lazy("case state", "Being handled"),
    State.SUSPENDED: pgettext_lazy("case state", "Suspended"),
    State.COMPLETED: pgettext_lazy("case state", "Completed, awaiting feedback"),
    State.RATED: pgettext_lazy("case state", "Rated"),
    State.CLOSED: pgettext_lazy("case state", "Closed"),
    State.REJECTED: pgettext_lazy("case state", "Not accepted"),
}

ACTION_LABELS: dict[str, Promise] = {
    "report": pgettext_lazy("case action", "Report"),
    "accept": pgettext_lazy("case action", "Accept"),
    "request_verification": pgettext_lazy("case action", "Ask the officer to verify"),
    "reject": pgettext_lazy("case action", "Do not accept"),
    "verify": pgettext_lazy("case action", "Verify"),
    "dispatch": pgettext_lazy("case action", "Dispatch"),
    "sign_on": pgettext_lazy("case action", "Sign on"),
    "return": pgettext_lazy("case action", "Return"),
    "note": pgettext_lazy("case action", "Add a progress note"),
    "request_extension": pgettext_lazy("case action", "Request an extension"),
    "approve_extension": pgettext_lazy("case action", "Approve the extension"),
    "suspend": pgettext_lazy("case action", "Suspend"),
    "resume": pgettext_lazy("case action", "Resume"),
    "complete": pgettext_lazy("case action", "Complete"),
    "rate": pgettext_lazy("case action", "Rate"),
    "reopen": pgettext_lazy("case action", "Reopen"),
    "followup": pgettext_lazy("case action", "Record a follow-up call"),
    "close": pgettext_lazy("case action", "Close"),
    "attach": pgettext_lazy("case action", "Add photos or files"),
    "escalate": pgettext_lazy("case action", "Escalate one level up"),
    "urge": pgettext_lazy("case action", "Urge"),
}

# Who took a step when no one's account did: stored as a code, worded when read. The two
# Chinese names are what rows written before the codes hold.
ACTOR_LABELS: dict[str, Promise] = {
    "resident": pgettext_lazy("case actor", "Resident"),
    "system:110": pgettext_lazy("case actor", "110 diversion"),
    "system:sweep": pgettext_lazy("case actor", "Supervision (system)"),
    "system:unsatisfied_rating": pgettext_lazy("case actor", "System: unsatisfied rating"),
    "system:open311": pgettext_lazy("case actor", "Open311 (system)"),
}

RATING_LABELS: dict[str, Promise] = {
    "satisfied": pgettext_lazy("rating", "Satisfied"),
    "basically_satisfied": pgettext_lazy("rating", "Basically satisfied"),
    "unsatisfied": pgettext_lazy("rating", "Unsatisfied"),
}

FOLLOWUP_LABELS: dict[str, Promise] = {
    "reached": pgettext_lazy("follow-up", "Reached the resident"),
    "unreachable": pgettext_lazy("follow-up", "Could not reach the resident"),
}

CLOCK_LABELS: dict[str, Promise] = {
    "sign_on": pgettext_lazy("clock", "Sign-on"),
    "handling": pgettext_lazy("clock", "Handling"),
}

CARD_LABELS: dict[str, Promise] = {
    "yellow": pgettext_lazy("card", "Yellow card"),
    "red": pgettext_lazy("card", "Red card"),
}

UNIT_KIND_LABELS: dict[str, Promise] = {
    "grid": pgettext_lazy("unit kind", "Grid"),
    "community": pgettext_lazy("unit kind", "Community"),
    "beat": pgettext_lazy("unit kind", "Police beat"),
    "department": pgettext_lazy("unit kind", "Department"),
    "room": pgettext_lazy("unit kind", "Command room"),
}


def actor_label(name: str) -> str:
    return label(ACTOR_LABELS, name)


def timeline_comment(action: str, details: dict[str, object], comment: str) -> str:
    """A timeline row's words: a note the code wrote (kept as its code), then what was said; a
    回访 call says whether it reached the resident (and which unanswered call of the round it
    was) before what the caller noted."""
    said = _followup_words(action, details, comment)
    if details.get("note") is None:
        return said
    note = str(worded(details["note"]))
    return f"{note}{pgettext_lazy('follow-up', ': ')}{said}" if said else note


def _followup_words(action: str, details: dict[str, object], comment: str) -> str:
    outcome = details.get("outcome")
    if action != "followup" or outcome not in FOLLOWUP_NOTES:
        return comment
    note = str(FOLLOWUP_NOTES[str(outcome)]) % {"n": details.get("attempt", "")}
    return f"{note}{pgettext_lazy('follow-up', ': ')}{comment}" if comment else note


FOLLOWUP_NOTES: dict[str, Promise] = {
    "reached": pgettext_lazy("follow-up note", "Follow-up: reached"),
    "unreachable": pgettext_lazy("follow-up note", "Follow-up: not reached (call %(n)s)"),
}


def label(labels: dict[str, Promise], key: str) -> str:
    """The translated label, or the key itself for a value the table does not know."""
    return str(labels.get(key, key))
