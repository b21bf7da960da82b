"""Who acts on a case when no signed-in user does."""

from dataclasses import dataclass

from outpost.accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """The system acting on its own (the command line's 110 desk): not a saved user, so it holds
    no scope and is stored as no one, but the case timeline names it. `relations_for` gives it
    the dispatcher's relation to every case, so no caller hands relations in."""

    username: str
    pk: None = None
    is_authenticated: bool = False
    is_anonymous: bool = False
    is_active: bool = False
    is_superuser: bool = False


DESK_110 = SystemActor("110分流")


@dataclass(frozen=True)
class Resident:
    """A member of the public on the status page, known only by the case's tracking code:
    stored as no one, named 群众 in the timeline; `relations_for` gives the resident's relation."""

    pk: None = None
    is_authenticated: bool = False
    is_anonymous: bool = True
    is_active: bool = False
    is_superuser: bool = False


RESIDENT = Resident()


# Whoever a case action is taken by: a signed-in user, the system, a resident or (for the
# timeline) no one.
Actor = User | SystemActor | Resident | None
