"""The case workflow (闭环流转), declared once: (state, action) → next state, who may act, and
what each step does to the clocks; and per action (`SPECS`) what it takes as input, what it does
to the case (its effects) and which system follow-ups it sets off. `outpost.cases.services.act`
applies it, nothing else does: the action forms and the API's action body are generated from the
inputs declared here, and `outpost.cases.effects` carries out the effects for `act` and for the
demo's history alike.

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
    SYSTEM = "system"  # Outpost itself: the supervision sweep, a rating's follow-up


class Clock(StrEnum):
    SIGN_ON = "sign_on"  # from dispatch until a handler signs on
    HANDLING = "handling"  # from sign-on until completion, paused while suspended


class Guard(StrEnum):
    # 受理 directly only a sub-type that needs no officer: the others go through 核实 first.
    NO_VERIFICATION_NEEDED = "no_verification_needed"
    # 结案 from 已办结 only once 回访 failed as often as the sub-type allows (a rated case closes
    # from 已回访; a sub-type without 回访 closes at once).
    FOLLOWUP_EXHAUSTED = "followup_exhausted"
    # 结案 of a hazard found by an inspection only once its re-check (复查) has passed.
    INSPECTION_RECHECK_PASSED = "inspection_recheck_passed"


@dataclass(frozen=True)
class Facts:
    """What the guards read of a case."""

    needs_verification: bool = False
    followup_required: bool = False
    followup_attempts: int = 0
    followups_failed: int = 0  # unanswered 回访 calls since the case was last completed
    # False while an inspection's re-check of the hazard has not passed (`cases.blockers`).
    inspection_recheck_passed: bool = True


def needs_verification(subtype_needs: bool, source: str, reporter_id: int | None) -> bool:
    """Whether an officer verifies the case before it is accepted: its sub-type says so, or it
    is a resident's report that no staff member took in person (the portal's: source
    `resident`, no reporter), verified before anyone is sent."""
    return subtype_needs or (source == "resident" and reporter_id is None)


Guards = Guard | tuple[Guard, ...] | None  # a step's guard, or several that must all hold


def holds(guard: Guards, facts: Facts) -> bool:
    return failing(guard, facts) is None


def failing(guard: Guards, facts: Facts) -> Guard | None:
    """The first of the step's guards that does not hold (None when all do)."""
    for one in guard if isinstance(guard, tuple) else (guard,) if guard else ():
        if not _holds(one, facts):
            return one
    return None


def _holds(guard: Guard, facts: Facts) -> bool:
    if guard == Guard.NO_VERIFICATION_NEEDED:
        return not facts.needs_verification
    if guard == Guard.INSPECTION_RECHECK_PASSED:
        return facts.inspection_recheck_passed
    return not facts.followup_required or facts.followups_failed >= facts.followup_attempts


class Kind(StrEnum):
    """What an action's input is; the form field and the API body field follow from it."""

    TEXT = "text"
    CHOICE = "choice"
    FLAG = "flag"
    UNITS = "units"  # units to dispatch to, one of them the lead
    FILES = "files"  # photos or PDFs (forms and multipart only)
    CASE_NUMBER = "case_number"


class Effect(StrEnum):
    """What an action does to a case beyond its state and clocks (`outpost.cases.effects`)."""

    RECORD_RESULT = "record_result"  # 办结: the result, and a new round of 回访
    RECORD_FOLLOWUP_CALL = "record_followup_call"  # 回访: one call, reached or not
    RECORD_RATING = "record_rating"
    COUNT_REWORK = "count_rework"
    REQUEST_EXTENSION = "request_extension"
    EXTEND_DEADLINE = "extend_deadline"
    MARK_DUPLICATE = "mark_duplicate"
    ASSIGN_UNITS = "assign_units"  # to the chosen units (or the room one level up), told at once
    SIGN_ASSIGNMENTS = "sign_assignments"
    RELEASE_ASSIGNMENTS = "release_assignments"
    ADD_ESCALATION_UNIT = "add_escalation_unit"  # the room one level up joins, not as lead
    NOTIFY_UNITS = "notify_units"  # 催办: everyone the case is with is told again


@dataclass(frozen=True)
class Input:
    """One input of an action. `closing` names the sub-type's closing requirement under which it
    is required (a dispute's 办结 needs its mediation outcome, a hazard's its re-check)."""

    name: str
    kind: Kind
    choices: tuple[str, ...] = ()
    required: bool = False
    closing: str = ""
    max_length: int = 0


@dataclass(frozen=True)
class FollowUp:
    """A system action taken in the same transaction when an input has a value: an unsatisfied
    rating reopens the case."""

    action: str
    when: tuple[str, str]  # (input, value)
    actor: str  # the system actor's code (`outpost.cases.actors`)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    comment: bool = False  # a comment (the reason, the result) is required
    inputs: tuple[Input, ...] = ()
    effects: tuple[Effect, ...] = ()
    follows: tuple[FollowUp, ...] = ()

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)


RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
MEDIATION_OUTCOMES = ("调解成功", "调解不成功", "已引导司法途径")
FOLLOWUP_OUTCOMES = ("reached", "unreachable")
E = Effect


def _spec(name: str, *effects: Effect, comment: bool = False, **more: object) -> ActionSpec:
    return ActionSpec(name, comment, effects=effects, **more)  # type: ignore[arg-type]


SPECS: dict[str, ActionSpec] = {
    s.name: s
    for s in (
        _spec("accept"),
        _spec("request_verification"),
        _spec(
            "reject",
            E.MARK_DUPLICATE,
            comment=True,
            inputs=(Input("duplicate_of", Kind.CASE_NUMBER, max_length=24),),
        ),
        _spec("verify"),
        _spec(
            "dispatch",
            E.ASSIGN_UNITS,
            inputs=(Input("targets", Kind.UNITS), Input("escalate", Kind.FLAG)),
        ),
        _spec("sign_on", E.SIGN_ASSIGNMENTS),
        _spec("return", E.RELEASE_ASSIGNMENTS, comment=True),
        _spec("note", comment=True),
        _spec("request_extension", E.REQUEST_EXTENSION, comment=True),
        _spec("approve_extension", E.EXTEND_DEADLINE),
        _spec("suspend", comment=True),
        _spec("resume"),
        _spec(
            "complete",
            E.RECORD_RESULT,
            comment=True,
            inputs=(
                Input("files", Kind.FILES),
                Input(
                    "mediation_outcome",
                    Kind.CHOICE,
                    MEDIATION_OUTCOMES,
                    closing="mediation_outcome",
                ),
                Input("recheck", Kind.TEXT, closing="recheck_photo", max_length=500),
            ),
        ),
        _spec(
            "rate",
            E.RECORD_RATING,
            inputs=(Input("rating", Kind.CHOICE, RATINGS, required=True),),
            follows=(FollowUp("reopen", ("rating", "unsatisfied"), "unsatisfied_rating"),),
        ),
        _spec("reopen", E.COUNT_REWORK, comment=True),
        _spec(
            "followup",
            E.RECORD_FOLLOWUP_CALL,
            inputs=(Input("outcome", Kind.CHOICE, FOLLOWUP_OUTCOMES, required=True),),
        ),
        _spec("close"),
        _spec("escalate", E.ADD_ESCALATION_UNIT),
        _spec("urge", E.NOTIFY_UNITS),
    )
}


def follow_ups(action: str, inputs: dict[str, object]) -> list[FollowUp]:
    """The system actions this action sets off, given what it was taken with."""
    return [f for f in SPECS[action].follows if inputs.get(f.when[0]) == f.when[1]]


@dataclass(frozen=True)
class Transition:
    state: State
    action: str
    target: State
    who: frozenset[Relation]
    starts: tuple[Clock, ...] = ()
    stops: tuple[Clock, ...] = ()
    pauses: tuple[Clock, ...] = ()
    guard: Guards = None

    @property
    def spec(self) -> ActionSpec:
        return SPECS[self.action]

    @property
    def needs_comment(self) -> bool:
        return self.spec.comment


def _t(state: State, action: str, target: State, *who: Relation, **clocks: object) -> Transition:
    return Transition(state, action, target, frozenset(who), **clocks)  # type: ignore[arg-type]


R, D, V, H, P, SYS = (
    Relation.REPORTER,
    Relation.DISPATCHER,
    Relation.VERIFIER,
    Relation.HANDLER,
    Relation.RESIDENT,
    Relation.SYSTEM,
)
S = State
RECHECK = Guard.INSPECTION_RECHECK_PASSED
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
    _t(S.REPORTED, "reject", S.REJECTED, D),
    _t(S.AWAITING_VERIFICATION, "verify", S.ACCEPTED, V),
    _t(S.AWAITING_VERIFICATION, "reject", S.REJECTED, V),
    _t(S.ACCEPTED, "dispatch", S.DISPATCHED, D, starts=(Clock.SIGN_ON,)),
    _t(S.ACCEPTED, "reject", S.REJECTED, D),
    _t(S.DISPATCHED, "sign_on", S.HANDLING, H, stops=(Clock.SIGN_ON,), starts=(Clock.HANDLING,)),
    _t(S.DISPATCHED, "return", S.ACCEPTED, H, D, stops=(Clock.SIGN_ON,)),
    _t(S.DISPATCHED, "dispatch", S.DISPATCHED, D, stops=(Clock.SIGN_ON,), starts=(Clock.SIGN_ON,)),
    _t(S.DISPATCHED, "escalate", S.DISPATCHED, SYS),  # a red card, by the sweep
    _t(S.DISPATCHED, "urge", S.DISPATCHED, D),  # 催办: the units are told again
    _t(S.HANDLING, "note", S.HANDLING, H, D),
    _t(S.HANDLING, "request_extension", S.HANDLING, H),
    _t(S.HANDLING, "approve_extension", S.HANDLING, D),
    _t(S.HANDLING, "suspend", S.SUSPENDED, H, D, pauses=(Clock.HANDLING,)),
    _t(S.HANDLING, "escalate", S.HANDLING, SYS),
    _t(S.HANDLING, "urge", S.HANDLING, D),
    _t(S.SUSPENDED, "resume", S.HANDLING, H, D, starts=(Clock.HANDLING,)),
    _t(S.HANDLING, "return", S.ACCEPTED, H, stops=(Clock.HANDLING,)),
    _t(S.HANDLING, "complete", S.COMPLETED, H, stops=(Clock.HANDLING,)),
    _t(S.COMPLETED, "rate", S.RATED, P, R, D),
    _t(S.COMPLETED, "reopen", S.HANDLING, P, R, D, starts=(Clock.HANDLING,)),
    _t(S.RATED, "reopen", S.HANDLING, P, R, D, SYS, starts=(Clock.HANDLING,)),
    _t(S.COMPLETED, "followup", S.COMPLETED, D),  # one 回访 call: reached or unreachable
    _t(S.COMPLETED, "close", S.CLOSED, D, guard=(Guard.FOLLOWUP_EXHAUSTED, RECHECK)),
    _t(S.RATED, "close", S.CLOSED, D, guard=RECHECK),
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


def path_to(
    state: State, action: str, relations: set[Relation], facts: Facts
) -> tuple[str, ...] | None:
    """The shortest run of actions, ending with `action`, that these relations may take from
    `state` (the board's one-click dispatch: 受理 then 派遣); None when there is none."""
    queue: list[tuple[State, tuple[str, ...]]] = [(state, ())]
    seen = {state}
    while queue:
        here, done = queue.pop(0)
        for t in TRANSITIONS:
            if t.state != here or not (t.who & relations) or not holds(t.guard, facts):
                continue
            if t.action == action:
                return (*done, action)
            if t.target not in seen and t.target != here:
                seen.add(t.target)
                queue.append((t.target, (*done, t.action)))
    return None
