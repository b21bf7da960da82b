"""Case writes. `act` is the one function that moves a case through the workflow table."""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import can, restrict, scope_for
from outpost.accounts.units import acting_q as unit_acting_q
from outpost.cases import attachments, blockers, effects, webhooks
from outpost.cases.actors import SYSTEM_ACTORS, Actor, Resident, SystemActor
from outpost.cases.inputs import check_evidence
from outpost.cases.inputs import clean as clean_inputs
from outpost.cases.models import (
    AttachmentPurpose,
    Case,
    CaseAssignment,
    Source,
    SubType,
    TimelineEntry,
    is_narrow,
)
from outpost.cases.notices import tell_reporter
from outpost.cases.numbering import create_numbered
from outpost.cases.sensitivity import for_subtype
from outpost.cases.workflow import (
    TERMINAL,
    Effect,
    Facts,
    Guard,
    Relation,
    State,
    Transition,
    allowed_actions,
    failing,
    follow_ups,
    needs_verification,
    transition,
)
from outpost.core.context import stored_user
from outpost.core.i18n import Text, stored
from outpost.core.refusals import refusal
from outpost.geo.locator import locate
from outpost.registry import lookups
from outpost.registry.models import Person, StandardAddress
from outpost.registry.queries import addresses_for, people_for
from outpost.registry.validators import FieldProblem

CLOSED = _("The case is closed and can no longer change")
# Outside the reporter's area and outside every grid look the same, so reporting cannot be used
# to probe where the grids and beats of others lie.
OUTSIDE = _("That place is outside your area")
GUARD_REFUSALS = {
    Guard.NO_VERIFICATION_NEEDED: _(
        "A case of this type (%(subtype)s) needs the verification of the beat's officer: "
        "ask the officer to verify it before accepting"
    ),
    Guard.FOLLOWUP_EXHAUSTED: _(
        "The case closes after the resident's rating, or after %(attempts)s follow-up calls "
        "that did not reach them (%(failed)s so far)"
    ),
    Guard.INSPECTION_RECHECK_PASSED: _(
        "This hazard was found by an inspection: it closes only after the re-check has passed"
    ),
}


class CaseConflict(Exception):
    """Someone else changed the case first; the caller should reload and try again."""


@dataclass
class NewCase:
    subtype: SubType
    title: str
    source: str
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    urgency: str = "normal"
    sensitivity: str = "internal"
    reporter_name: str = ""
    reporter_phone: str = ""
    address: str = ""
    parties: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # A deadline fixed by what files the case (a hazard's rectification date, 整改期限): the
    # handling clock keeps it when it starts instead of counting the sub-type's limit.
    handle_by: dt.datetime | None = None


def report_source(user: User) -> str:
    """Reporters (8大员) file as reporters; everyone else who reports is out in the grid."""
    return Source.REPORTER if scope_for(user, "view_cases").empty else Source.GRID_PATROL


def report_case(new: NewCase, *, actor: User) -> Case:
    """File a case at a point or a standard address; it lands in the grid and beat that hold the
    place. Parties are linked to the registry; photos are checked and kept with it."""
    # Parties are looked up before the case's transaction, so their lookups stay counted and
    # logged when the report is refused (a refused guess must cost as much as a right one).
    return _file_case(new, actor, _parties(new.parties, actor))


@transaction.atomic
def _file_case(new: NewCase, actor: User, parties: list[Person]) -> Case:
    address = _address(new, actor)
    if address is not None and (new.lon is None or new.lat is None):
        new.lon, new.lat, new.crs = address.lon, address.lat, "wgs84"
    if new.lon is None or new.lat is None:
        raise ValidationError({"location": _("Pin the place on the map")})
    place = locate(new.lon, new.lat, new.crs)
    if place.grid_code is None or not _reports_there(actor, place.grid_code, place.beat_code):
        raise ValidationError({"location": OUTSIDE})
    if new.subtype.category.restricted and not can_report_restricted(actor):
        raise PermissionDenied
    now = timezone.now()
    case = create_numbered(
        place.grid_code[:6],
        now,
        tracking_code=_tracking_code(),
        source=new.source,
        subtype=new.subtype,
        title=new.title.strip()[:100],
        description=new.description.strip(),
        lon=place.lon,
        lat=place.lat,
        source_crs=new.crs,
        address=address,
        grid_code=place.grid_code,
        beat_code=place.beat_code or "",
        reporter=stored_user(actor),
        reporter_name=new.reporter_name,
        **Case.reporter_phone.columns(new.reporter_phone),
        urgency=new.urgency,
        sensitivity=for_subtype(new.subtype, new.sensitivity),
        handle_due=new.handle_by,
        reported_at=now,
    )
    if parties:  # a new case has none to compare with
        case.parties.add(*parties)
    if new.files:
        attachments.store(case, new.files, actor=actor, purpose=AttachmentPurpose.REPORT)
    _timeline(case, actor, "report", "", State.REPORTED, new.description[:500], None, now)
    return case


def _address(new: NewCase, actor: User) -> StandardAddress | None:
    if not new.address:
        return None
    found = addresses_for(actor).filter(code=new.address).first()
    if found is None:
        error = refusal(_("No such standard address in your area: %(code)s"), code=new.address)
        raise ValidationError({"address": error})
    return found


def _reports_there(actor: User, grid_code: str, beat_code: str | None) -> bool:
    """The place lies in the reporter's area, by the same rule as the cases they then see (its
    grid or its beat). Only the command line's 110 desk reports without a signed-in user, for
    the whole district; an anonymous visitor reports nowhere."""
    if not getattr(actor, "is_authenticated", False):
        return actor is not None and not isinstance(actor, AnonymousUser)
    return scope_for(actor, "report").contains(grid_code, beat_code)


def _parties(id_numbers: list[str], actor: User) -> list[Person]:
    """Parties (当事人) by ID number, among the people the reporter may see. Unknown and
    out-of-area numbers get the same answer, so the form cannot be used to probe the registry."""
    people = []
    for position, raw in enumerate(id_numbers, start=1):
        try:
            match = people_for(actor).filter(Person.id_number.q(raw))
            # A party named by a whole ID number is an exact lookup like a search by one:
            # counted against the same per-user limit and logged, so it is no oracle either.
            lookups.count_exact_lookup(actor)
        except FieldProblem as problem:
            found = refusal(_("Party %(n)s: %(problem)s"), n=position, problem=problem.message)
            raise ValidationError({"parties": found}) from None
        except lookups.TooManyLookups:
            found = refusal(_("Too many lookups by ID number; try again later"))
            raise ValidationError({"parties": found}) from None
        person = match.first()
        lookups.log_exact_lookup(actor, "case_party", raw, rows=int(person is not None))
        if person is None:
            found = refusal(_("Party %(n)s is not among the people of your area"), n=position)
            raise ValidationError({"parties": found})
        people.append(person)
    return people


def can_report_restricted(actor: User) -> bool:
    """关怀帮扶 cases are filed only by roles that dispatch or verify, never by reporters."""
    return not (scope_for(actor, "dispatch").empty and scope_for(actor, "verify").empty)


def _tracking_code() -> str:
    return secrets.token_urlsafe(8)[:10].replace("-", "x").replace("_", "y").upper()


def with_relations(cases: QuerySet[Case], actor: User | None) -> QuerySet[Case]:
    """A list of cases carrying the actor's relations to each, worked out in its one query (by
    the same scope function as `relations_for`), so a page of 200 cases is not 200 more reads."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return cases
    return cases.annotate(
        relations_of=Value(actor.pk),
        dispatches=Exists(restrict(Case.objects.filter(pk=OuterRef("pk")), actor, "dispatch")),
        verifies=Exists(restrict(Case.objects.filter(pk=OuterRef("pk")), actor, "verify")),
        handles=Exists(_handled_assignments(actor).filter(case=OuterRef("pk"))),
    )


def _handled_assignments(actor: User) -> QuerySet[CaseAssignment]:
    """The active assignments to units the actor works in (the HANDLER relation)."""
    if scope_for(actor, "handle").empty:
        return CaseAssignment.objects.none()
    return CaseAssignment.objects.filter(unit_acting_q(actor), active=True)


def relations_for(case: Case, actor: Actor) -> set[Relation]:
    if isinstance(actor, SystemActor):  # fixed for each (the 110 desk dispatches everywhere)
        return set(actor.relations)
    if isinstance(actor, Resident):  # holds the tracking code the status page was opened with
        return {Relation.RESIDENT}
    relations: set[Relation] = set()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return relations
    if case.reporter_id == actor.pk:
        relations.add(Relation.REPORTER)
    if getattr(case, "relations_of", None) == actor.pk:  # read with the case: `with_relations`
        annotated = {
            Relation.DISPATCHER: case.dispatches,  # type: ignore[attr-defined]
            Relation.VERIFIER: case.verifies,  # type: ignore[attr-defined]
            Relation.HANDLER: case.handles,  # type: ignore[attr-defined]
        }
        return relations | {relation for relation, held in annotated.items() if held}
    if can(actor, "dispatch", case):
        relations.add(Relation.DISPATCHER)
    if can(actor, "verify", case):
        relations.add(Relation.VERIFIER)
    if _handles(case, actor):
        relations.add(Relation.HANDLER)
    return relations


def facts_for(case: Case) -> Facts:
    sub = case.subtype
    return Facts(
        needs_verification=needs_verification(
            sub.needs_verification, case.source, case.reporter_id
        ),
        followup_required=sub.followup_required,
        followup_attempts=sub.followup_attempts,
        followups_failed=case.followups_failed,
        inspection_recheck_passed=blockers.recheck_passed(case),
    )


def actions_for(case: Case, actor: User) -> list[str]:
    """What the actor may do now: their relations to the case and the table's guards."""
    return allowed_actions(State(case.state), relations_for(case, actor), facts_for(case))


def _handles(case: Case, actor: User) -> bool:
    if scope_for(actor, "handle").empty:
        return False
    return _handled_assignments(actor).filter(case=case).exists()


def act(
    case: Case,
    action: str,
    *,
    actor: Actor,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    note: Text | None = None,
) -> Case:
    """Apply one action from the table, then the system follow-ups it sets off (an unsatisfied
    rating reopens the case), all in one transaction, each with its own timeline row. A `note`
    is what the code says of the step (the 110 desk's diversion): kept as its code, worded when
    read."""
    payload = payload or {}
    step = _check(case, action, actor, comment)
    inputs = clean_inputs(case, step, payload, _user(actor))
    if note is not None:
        inputs = {**inputs, "_note": stored(note)}
    with transaction.atomic():
        case = _step(case, step, actor, comment, inputs, payload.get("files") or [])
        for follow in follow_ups(action, inputs):
            system = SYSTEM_ACTORS[follow.actor]
            case = _step(case, _check(case, follow.action, system, ""), system, "", {}, [])
    return case


def _step(
    case: Case,
    step: Transition,
    actor: Actor,
    comment: str,
    inputs: dict[str, Any],
    files: list[tuple[str, bytes]],
) -> Case:
    """One row of the table: its photos, a conditional update with its effects, what follows
    from them elsewhere (assignments, notices), its timeline row."""
    now = timezone.now()
    if files:
        _attach_for(case, step, files, actor)
    if Effect.RECORD_RESULT in step.spec.effects:
        check_evidence(case)
    changes = effects.changes(case, step, inputs, comment, now)
    updated = Case.objects.filter(pk=case.pk, state=case.state, version=case.version).update(
        state=step.target, version=F("version") + 1, **changes
    )
    if updated != 1:
        raise CaseConflict
    effects.apply_after(case, step, inputs, now)
    case.refresh_from_db()
    deadline = case.handle_due if step.target == State.HANDLING else case.sign_on_due
    details = _details(case, step, inputs)
    _timeline(case, actor, step.action, step.state, step.target, comment, deadline, now, details)
    tell_reporter(case, step, actor, now)
    return case


def _user(actor: Actor) -> User | None:
    """The signed-in user behind an action; the system and residents are no one's account."""
    return actor if isinstance(actor, User) else None


def _check(case: Case, action: str, actor: Actor, comment: str) -> Transition:
    if State(case.state) in TERMINAL:
        raise ValidationError(CLOSED)
    step = transition(State(case.state), action)
    if step is None:
        raise refusal(
            _("This action is not possible in the current state: %(action)s"), action=action
        )
    if not step.who & relations_for(case, actor):
        raise PermissionDenied
    # The system says why by who it is (its code names the reason on the timeline).
    if step.needs_comment and not comment.strip() and not isinstance(actor, SystemActor):
        raise ValidationError({"comment": _("Please say why")})
    if step.action == "followup":
        _check_followup_spacing(case)
    facts = facts_for(case)
    if (blocked := failing(step.guard, facts)) is not None:
        raise refusal(
            GUARD_REFUSALS[blocked],
            subtype=case.subtype.name,
            attempts=facts.followup_attempts,
            failed=facts.followups_failed,
        )
    return step


def _check_followup_spacing(case: Case) -> None:
    """回访 calls are OUTPOST_FOLLOWUP_RETRY_MINUTES apart: "unreachable after three calls" means
    three tries at different times, not three clicks in a row."""
    if case.last_followup_at is None:
        return
    ready = case.last_followup_at + dt.timedelta(minutes=settings.OUTPOST_FOLLOWUP_RETRY_MINUTES)
    if timezone.now() < ready:
        when = timezone.localtime(ready).strftime("%Y-%m-%d %H:%M")
        raise refusal(_("The next follow-up call can be recorded from %(time)s"), time=when)


def _attach_for(case: Case, step: Transition, files: list[tuple[str, bytes]], actor: Actor) -> None:
    """Photos sent with an action: with 办结 of a hazard they are the re-check photos."""
    recheck = step.action == "complete" and case.subtype.closing_requires == "recheck_photo"
    purpose = AttachmentPurpose.RECHECK if recheck else AttachmentPurpose.EVIDENCE
    attachments.store(case, files, actor=_user(actor), purpose=purpose)


def _details(case: Case, step: Transition, inputs: dict[str, Any]) -> dict[str, Any]:
    """What the timeline keeps as codes: a note the code wrote, a 回访 call's outcome and,
    unanswered, its number in this round (`labels.timeline_comment` words them)."""
    if "_note" in inputs:
        return {"note": inputs["_note"]}
    if Effect.RECORD_FOLLOWUP_CALL not in step.spec.effects:
        return {}
    if inputs["outcome"] == "reached":
        return {"outcome": "reached"}
    return {"outcome": "unreachable", "attempt": case.followups_failed}


def _timeline(
    case: Case,
    actor: Actor,
    action: str,
    from_state: str,
    to_state: str,
    comment: str,
    deadline: Any,
    now: Any,
    details: dict[str, Any] | None = None,
) -> None:
    webhooks.queue_event(case, action, from_state, deadline, now)
    TimelineEntry.objects.create(
        case=case,
        at=now,
        actor=stored_user(actor),
        actor_name=getattr(actor, "username", "") or "resident",
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        details=details or {},
        deadline=deadline,
    )


def attach(case: Case, files: list[tuple[str, bytes]], *, actor: User, purpose: str) -> Any:
    """Add photos or PDFs to a case outside an action (补充材料); anyone taking part in the case
    may, and the timeline records it."""
    if State(case.state) in TERMINAL:
        raise ValidationError(CLOSED)
    if not relations_for(case, actor):
        raise PermissionDenied
    with transaction.atomic():
        kept = attachments.store(case, files, actor=actor, purpose=purpose)
        names = "、".join(a.name for a in kept)
        _timeline(case, actor, "attach", case.state, case.state, names, None, timezone.now())
    return kept


def visible_cases(actor: User | None) -> Any:
    """Cases in the actor's area or dispatched to them, plus the ones they reported."""
    user = stored_user(actor)
    if user is None:
        return restrict(Case.objects.all(), actor, "view_cases")
    own = Case.objects.filter(reporter=user)
    if is_narrow(scope_for(actor, "view_cases")):  # their ids joined in (see Case.scope_q)
        return restrict(Case.objects.all(), actor, "view_cases", also=own.values("pk"))
    return restrict(Case.objects.all(), actor, "view_cases") | own
