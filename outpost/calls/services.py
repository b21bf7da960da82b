"""110 non-police diversion (非警务警情分流): calls in, decisions and cases out.

`divert_calls` classifies each call (`classify.classify_call`: the danger rule, then the model
in use, `learning.current_classifier`; for a call the rule keeps, the model's reading is kept
for the operator, `classify.second_reading`), matches its location to a
standard address, and turns a call it may divert into a case (source 110) that is accepted and
dispatched on its sub-type's suggested route at once, so it lands in the right grid's queue.

Safety first: a call the classifier would divert stays with the police when its address cannot
be matched, lies outside the district's grids or outside the actor's area, or when the case
cannot be opened; the reason says why.

Call ids: a 110 call id is kept per namespace, the importer's (`call_namespace`): the station's
for its police roles, the civil area's for a street commander or grid leader, and the command
line's. Ids one of them stored never answer another (an id stored elsewhere is, to them, an id
never seen) and never refuse another's real call, so no one can reserve the station's ids ahead
of its calls or read back decisions made for another area. The one exception: a call the command
line stored answers whoever may see it on their desk anyway (one case per call, nothing learnt).

Transactions: one per row. A row is written whole (call, case, timeline, audit) or not at all; a
bad row is reported in its outcome and the others still go in. Re-running a file is safe: a call
already stored answers its stored outcome and opens no second case, so a run cut short is
finished by running it again.
"""

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.calls.classify import DIVERT, POLICE, classify_call, second_reading
from outpost.calls.classify import Decision as Verdict
from outpost.calls.intake import IncomingCall, RowError, parse_call
from outpost.calls.learning import current_classifier
from outpost.calls.model import Classifier
from outpost.calls.models import Call
from outpost.calls.outcomes import Outcome
from outpost.calls.reasons import Reason
from outpost.cases.actors import DESK_110
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import NewCase, act, report_case
from outpost.core.audit import record_change
from outpost.core.context import stored_user
from outpost.core.i18n import Text
from outpost.registry.addressing import address_matcher
from outpost.registry.imports.base import text
from outpost.registry.matching.districts import RoutedMatcher
from outpost.registry.models import StandardAddress
from outpost.registry.tabular import TableRow

DIVERTED = _("110 call %(call)s diverted: %(reason)s")  # on the case's timeline

DIVERSION_CATEGORY = "09"
OTHER_AREA = _("This call was entered by someone else; its details are outside your area")


class Area:
    """Where the actor may dispatch; without an actor (the command line), the whole district."""

    def __init__(self, actor: User | None) -> None:
        self.scope = scope_for(actor, "dispatch") if actor is not None else None

    def holds(self, grid_code: str, beat_code: str) -> bool:
        return self.scope is None or self.scope.contains(grid_code, beat_code)


def call_namespace(actor: User | None) -> str:
    """Whose call ids an import stores and reads: "" for the command line (and whoever sees the
    whole district), else the prefixes of the area the actor dispatches in, police first."""
    if actor is None:
        return ""
    scope = scope_for(actor, "dispatch")
    if scope.everything:
        return ""
    key = ",".join((*scope.police, *scope.civil, *scope.departments))
    return key if len(key) <= 64 else hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Batch:
    actor: User | None
    area: Area
    subtypes: dict[str, SubType]
    namespace: str = ""

    @cached_property
    def matcher(self) -> RoutedMatcher:
        """Built (or taken from the process's cache) only when a new call needs it: a re-run of
        stored calls does not wait for it. It answers from the actor's districts only."""
        return address_matcher(self.area.scope)

    @cached_property
    def model(self) -> tuple[Classifier, int]:
        """The call model in use and its version, loaded when a new call needs it."""
        return current_classifier()

    @property
    def acting(self) -> Any:
        return self.actor if self.actor is not None else DESK_110


@dataclass(frozen=True)
class Plan:
    decision: str
    subtype: str
    reason: Reason
    address: StandardAddress | None
    verdict: Verdict | None = None  # what the classifier said, model's suggestion included
    model_version: int | None = None

    def kept(self, why: Reason) -> "Plan":
        """Back to the police, saying why and what the classifier had said."""
        return replace(self, decision=POLICE, subtype="", reason=self.reason.kept(why))


def divert_calls(rows: list[TableRow], *, actor: User | None = None) -> list[Outcome]:
    """One outcome per row, in order. `actor` None is the command line: the whole district."""
    if actor is not None and scope_for(actor, "dispatch").empty:
        raise PermissionDenied
    subtypes = SubType.objects.select_related("category").filter(
        category__code=DIVERSION_CATEGORY, active=True
    )
    batch = Batch(actor, Area(actor), {s.code: s for s in subtypes}, call_namespace(actor))
    return [_divert_row(row, batch) for row in rows]


def _divert_row(row: TableRow, batch: Batch) -> Outcome:
    try:
        incoming = parse_call(row.values)
    except RowError as error:
        call_id = text(dict(row.values), "call_id")[:40]
        return Outcome(row.number, call_id, POLICE, error=str(error), field=error.field)
    stored = _stored(batch, incoming.call_id)
    if stored is None:
        try:
            stored = _divert_new(incoming, batch)
        except IntegrityError:  # another upload stored the same call meanwhile
            stored = _stored(batch, incoming.call_id)
            if stored is None:
                raise
    return _outcome(row.number, stored, batch)


def _stored(batch: Batch, call_id: str) -> Call | None:
    """The call as this importer stored it; else the command line's record of it, if the actor
    sees that call on their desk anyway (so the station's feed and its duty officer's upload
    make one case, and no one learns of a call outside what they see)."""
    calls = Call.objects.select_related("case", "address").filter(call_id=call_id)
    own = calls.filter(namespace=batch.namespace).first()
    if own is not None or batch.actor is None or not batch.namespace:
        return own
    return restrict(calls.filter(namespace=""), batch.actor, "dispatch").first()


def _divert_new(incoming: IncomingCall, batch: Batch) -> Call:
    plan = _plan(incoming, batch)
    with transaction.atomic():
        case = None
        if plan.decision == DIVERT:
            try:
                with transaction.atomic():
                    case = _open_case(incoming, plan, batch)
            except ValidationError as error:
                errors = gettext("; ").join(error.messages)
                plan = plan.kept(Reason("case_refused", {"errors": errors}))
        call = Call.objects.create(**_call_fields(incoming, plan, case, batch))
        record_change(
            actor=batch.actor,
            action="divert_call",
            object_type="call",
            object_key=call.call_id,
            after=_audited(call),
        )
    return call


def _plan(incoming: IncomingCall, batch: Batch) -> Plan:
    classifier, version = batch.model
    verdict = second_reading(
        incoming.content, classify_call(incoming.content, classifier), classifier
    )
    address = _address(incoming.location_text, batch.matcher)
    # The model is asked about every call it may place and, for the operator, about every call
    # a danger sign keeps (`second_reading`): the version says which model read it.
    asked = version if verdict.suggested or verdict.reason.code == "danger" else None
    plan = Plan(verdict.decision, verdict.subtype, verdict.reason, address, verdict, asked)
    if verdict.decision != DIVERT:
        return plan
    doubt = _doubt(plan, batch)
    return plan.kept(doubt) if doubt else plan


def _address(location: str, matcher: RoutedMatcher) -> StandardAddress | None:
    code = matcher.match(location).addr_id if location else None
    return StandardAddress.objects.filter(code=code).first() if code else None


def _doubt(plan: Plan, batch: Batch) -> Reason | None:
    """Why a call the classifier would divert must stay with the police; None when none."""
    address = plan.address
    bounded = batch.area.scope is not None and not batch.area.scope.everything
    if bounded and (address is None or not batch.area.holds(address.grid_code, address.beat_code)):
        # One answer for a place outside the actor's area and one that matches nothing, so the
        # desk cannot be used to probe which places of other areas are standard addresses.
        return Reason("outside_area")
    if address is None:
        return Reason("no_address")
    if not address.grid_code:
        return Reason("outside_grids")
    if not batch.area.holds(address.grid_code, address.beat_code):
        return Reason("outside_area")
    if plan.subtype not in batch.subtypes:
        return Reason("subtype_off", {"subtype": plan.subtype})
    return None


def _open_case(incoming: IncomingCall, plan: Plan, batch: Batch) -> Case:
    """Report the case at the call's address, then accept and dispatch it on the sub-type's
    suggested route (an empty payload), as the dispatcher of its area would."""
    address = plan.address
    assert address is not None
    new = NewCase(
        subtype=batch.subtypes[plan.subtype],
        title=_title(incoming.content),
        source=Source.DIVERSION_110,
        description=incoming.content,
        lon=address.lon,
        lat=address.lat,
        # report_case looks the code up in the actor's registry; the command line has no
        # actor (the whole district), so there the address is attached below.
        address=address.code if batch.actor is not None else "",
        reporter_phone=incoming.caller_phone,
    )
    case = report_case(new, actor=batch.acting)
    if case.address_id is None:
        case.address = address
        case.save(update_fields=["address"])
    # The timeline keeps the note as its code, worded in each reader's language.
    note = Text(DIVERTED, call=incoming.call_id, reason=plan.reason.as_text())
    case = act(case, "accept", actor=batch.acting, note=note)
    return act(case, "dispatch", actor=batch.acting, payload={})


def _title(content: str) -> str:
    return content if len(content) <= 50 else content[:49] + "…"


def _call_fields(
    incoming: IncomingCall, plan: Plan, case: Case | None, batch: Batch
) -> dict[str, Any]:
    address, phone = plan.address, incoming.caller_phone
    return {
        "call_id": incoming.call_id,
        "namespace": batch.namespace,
        "received_at": incoming.received_at,
        "caller_phone": phone,
        "location_text": incoming.location_text,
        "content": incoming.content,
        "decision": plan.decision,
        "subtype": plan.subtype,
        "address": address,
        "grid_code": address.grid_code if address else "",
        "beat_code": address.beat_code if address else "",
        **suggestion_fields(plan.verdict, plan.model_version),
        "reason_code": plan.reason.code,
        "reason_params": plan.reason.stored(),
        "case": case,
        "imported_by": stored_user(batch.actor),
        "imported_at": timezone.now(),
    }


def suggestion_fields(verdict: Verdict | None, version: int | None) -> dict[str, Any]:
    """The model's suggestion as the call keeps it (only the mark, and the version of a model
    that read it without suggesting anything, when there is no suggestion: a call that says
    nothing yet is marked for the operator too)."""
    if verdict is None:
        return {}
    if not verdict.suggested:
        return {"marked": verdict.marked, "model_version": version}
    return {
        "suggested": verdict.suggested,
        "confidence": verdict.confidence,
        "why": [list(pair) for pair in verdict.why],
        "marked": verdict.marked,
        "model_version": version,
    }


def _audited(call: Call) -> dict[str, Any]:
    return {
        "decision": call.decision,
        "subtype": call.subtype,
        "addr_id": call.address.code if call.address else "",
        "grid_code": call.grid_code,
        "case": call.case.number if call.case else "",
    }


def _outcome(row: int, call: Call, batch: Batch) -> Outcome:
    """The stored answer for a call; where it lies outside the actor's area, only the decision
    (which the caller's own text gives) and no address, grid or case."""
    subtype = batch.subtypes.get(call.subtype)
    answer = Outcome(
        row=row,
        call_id=call.call_id,
        decision=call.decision,
        subtype=call.subtype,
        subtype_name=subtype.name if subtype else "",
        reason=call.reason_text,
    )
    if not batch.area.holds(call.grid_code, call.beat_code):
        mine = batch.actor is not None and call.imported_by_id == batch.actor.pk
        return answer if mine else replace(answer, reason=str(OTHER_AREA))
    return replace(
        answer,
        addr_id=call.address.code if call.address else "",
        address=call.address.full_text if call.address else "",
        grid_code=call.grid_code,
        case_number=call.case.number if call.case else "",
    )
