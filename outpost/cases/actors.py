"""Who acts on a case when no signed-in user does."""

from dataclasses import dataclass


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
