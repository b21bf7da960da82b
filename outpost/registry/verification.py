"""前端采、民警核: the one rule for the state a record is left in by an edit or an upload."""

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.registry.models import VerificationState


def entry_state(actor: User | None, grid_code: str, beat_code: str) -> str:
    """Verified when the actor may verify records at this place (an officer's own entry needs no
    second look), pending for the officer otherwise. Decided per place, so a user holding a
    collector's role here and an officer's role elsewhere collects here on every path. The
    command line (no actor) enters verified records."""
    if actor is None:
        return VerificationState.VERIFIED
    if scope_for(actor, "verify").contains(grid_code, beat_code):
        return VerificationState.VERIFIED
    return VerificationState.PENDING
