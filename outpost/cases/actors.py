"""Who acts on a case when no signed-in user does."""

from dataclasses import dataclass, field

from outpost.accounts.models import User
from outpost.cases.workflow import Relation


@dataclass(frozen=True)
class SystemActor:
    """Outpost acting on its own (the command line's 110 desk, the supervision sweep, a rating's
    follow-up): not a saved user, so it holds no scope and is stored as no one; the timeline
    names it by its code (`system:<code>`, worded when read). Its relations to every case are
    fixed here, so no caller hands relations in."""

    code: str
    relations: frozenset[Relation] = field(default_factory=frozenset)
    pk: None = None
    is_authenticated: bool = False
    is_anonymous: bool = False
    is_active: bool = False
    is_superuser: bool = False

    @property
    def username(self) -> str:
        return f"system:{self.code}"


DESK_110 = SystemActor("110", frozenset({Relation.DISPATCHER}))  # 110分流 across the district
SWEEP = SystemActor("sweep", frozenset({Relation.SYSTEM}))  # 督办: cards and escalation
UNSATISFIED_RATING = SystemActor("unsatisfied_rating", frozenset({Relation.SYSTEM}))
SYSTEM_ACTORS = {a.code: a for a in (DESK_110, SWEEP, UNSATISFIED_RATING)}


@dataclass(frozen=True)
class Resident:
    """A member of the public on the status page, known only by the case's tracking code:
    stored as no one, named `resident` in the timeline (群众 when read); `relations_for` gives
    the resident's relation."""

    pk: None = None
    is_authenticated: bool = False
    is_anonymous: bool = True
    is_active: bool = False
    is_superuser: bool = False
    username: str = "resident"


RESIDENT = Resident()


# Whoever a case action is taken by: a signed-in user, the system, a resident or (for the
# timeline) no one.
Actor = User | SystemActor | Resident | None
