"""The case workflow (闭环流转), declared once: (state, action) → next state, who may act, and
what each step does to the clocks. `outpost.cases.services.act` applies it, nothing else does.

Relations, not roles, decide who may act: the same officer is the verifier of one case and the
handler of another. `relations_for` in services works out the caller's relations to a case.
Some steps also have a guard, a condition on the case itself (its sub-type, its 回访 so far):
`holds` decides it from the case's `Facts`, the same for the service, the pages and the demo's
history.
"""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    REPORTED = "reported"  # 已上报
    AWAITING_VERIFICATION = "awaiting_verification"  # 待民警核实
    ACCEPTED = "accepted"  # 已受理（立案）
    DISPATCHED = "dispatched"  # 已派遣，待签收
    HANDLING = "handling"  # 办理中
    SUSPENDED = "suspended"  # 已挂起
    COMPLETED = "completed"  # 已办结，待回访
    RATED = "rated"  # 已回访
    CLOSED = "closed"  # 已结案
    REJECTED = "rejected"  # 不予受理


class Relation(StrEnum):
    REPORTER = "reporter"  # who reported it
    DISPATCHER = "dispatcher"  # grid leader, command room or street commander over its area
    VERIFIER = "verifier"  # the officer of the case's beat
    HANDLER = "handler"  # a member of a unit the case is dispatched to
    RESIDENT = "resident"  # the public, holding the tracking code


class Clock(StrEnum):
    SIGN_ON = "sign_on"  # from dispatch until a handler signs on
    HANDLING = "handling"  # from sign-on until completion, paused while suspended


class Guard(StrEnum):
    # 受理 directly only a sub-type that needs no officer: the others go through 核实 first.
    NO_VERIFICATION_NEEDED = "no_verification_needed"
    # 结案 from 已办结 only once 回访 failed as often as the sub-type allows (a rated case closes
    # from 已回访; a sub-type without 回访 closes at once).
    FOLLOWUP_EXHAUSTED = "followup_exhausted"


@dataclass(frozen=True)
class Facts:
    """What the guards read of a case."""

    needs_verification: bool = False
    followup_required: bool = False
    followup_attempts: int = 0
    followups_failed: int = 0  # unanswered 回访 calls since the case was last completed


def holds(guard: Guard | None, facts: Facts) -> bool:
    if guard is None:
        return True
    if guard == Guard.NO_VERIFICATION_NEEDED:
        return not facts.needs_verification
    return not facts.followup_required or facts.followups_failed >= facts.followup_attempts


@dataclass(frozen=True)
class Transition:
    state: State
    action: str
    target: State
    who: frozenset[Relation]
    starts: tuple[Clock, ...] = ()
    stops: tuple[Clock, ...] = ()
    pauses: tuple[Clock, ...] = ()
    needs_comment: bool = False
    guard: Guard | None = None


def _t(state: State, action: str, target: State, *who: Relation, **clocks: object) -> Transition:
    return Transition(state, action, target, frozenset(who), **clocks)  # type: ignore[arg-type]


R, D, V, H, P = (
    Relation.REPORTER,
    Relation.DISPATCHER,
    Relation.VERIFIER,
    Relation.HANDLER,
    Relation.RESIDENT,
)
S = State
OPEN = (
    S.REPORTED,
    S.AWAITING_VERIFICATION,
    S.ACCEPTED,
    S.DISPATCHED,
    S.HANDLING,
    S.SUSPENDED,
    S.COMPLETED,
    S.RATED,
)

TRANSITIONS: tuple[Transition, ...] = (
    _t(S.REPORTED, "accept", S.ACCEPTED, D, guard=Guard.NO_VERIFICATION_NEEDED),
    _t(S.REPORTED, "request_verification", S.AWAITING_VERIFICATION, D),
    _t(S.REPORTED, "reject", S.REJECTED, D, needs_comment=True),
    _t(S.AWAITING_VERIFICATION, "verify", S.ACCEPTED, V),
    _t(S.AWAITING_VERIFICATION, "reject", S.REJECTED, V, needs_comment=True),
    _t(S.ACCEPTED, "dispatch", S.DISPATCHED, D, starts=(Clock.SIGN_ON,)),
    _t(S.ACCEPTED, "reject", S.REJECTED, D, needs_comment=True),
    _t(S.DISPATCHED, "sign_on", S.HANDLING, H, stops=(Clock.SIGN_ON,), starts=(Clock.HANDLING,)),
    _t(S.DISPATCHED, "return", S.ACCEPTED, H, D, stops=(Clock.SIGN_ON,), needs_comment=True),
    _t(S.DISPATCHED, "dispatch", S.DISPATCHED, D, stops=(Clock.SIGN_ON,), starts=(Clock.SIGN_ON,)),
    _t(S.HANDLING, "note", S.HANDLING, H, D, needs_comment=True),
    _t(S.HANDLING, "request_extension", S.HANDLING, H, needs_comment=True),
    _t(S.HANDLING, "approve_extension", S.HANDLING, D),
    _t(S.HANDLING, "suspend", S.SUSPENDED, H, D, pauses=(Clock.HANDLING,), needs_comment=True),
    _t(S.SUSPENDED, "resume", S.HANDLING, H, D, starts=(Clock.HANDLING,)),
    _t(S.HANDLING, "return", S.ACCEPTED, H, stops=(Clock.HANDLING,), needs_comment=True),
    _t(S.HANDLING, "complete", S.COMPLETED, H, stops=(Clock.HANDLING,), needs_comment=True),
    _t(S.COMPLETED, "rate", S.RATED, P, R, D),
    _t(S.COMPLETED, "reopen", S.HANDLING, P, R, D, starts=(Clock.HANDLING,), needs_comment=True),
    _t(S.RATED, "reopen", S.HANDLING, P, R, D, starts=(Clock.HANDLING,), needs_comment=True),
    _t(S.COMPLETED, "followup", S.COMPLETED, D),  # one 回访 call: reached or unreachable
    _t(S.COMPLETED, "close", S.CLOSED, D, guard=Guard.FOLLOWUP_EXHAUSTED),
    _t(S.RATED, "close", S.CLOSED, D),
)

TABLE: dict[tuple[State, str], Transition] = {(t.state, t.action): t for t in TRANSITIONS}
ACTIONS: frozenset[str] = frozenset(t.action for t in TRANSITIONS)
TERMINAL: frozenset[State] = frozenset({S.CLOSED, S.REJECTED})


def transition(state: State, action: str) -> Transition | None:
    return TABLE.get((state, action))


def allowed_actions(
    state: State, relations: set[Relation], facts: Facts | None = None
) -> list[str]:
    """The actions a caller with these relations may take now, in table order; given the case's
    facts, only those whose guard holds."""
    seen: dict[str, None] = {}
    for t in TRANSITIONS:
        if t.state == state and t.who & relations and (facts is None or holds(t.guard, facts)):
            seen.setdefault(t.action)
    return list(seen)
