"""Writes of the service guides: a resident's request for help (from the public page, the API,
staff entering it for a resident, later the residents' portal), its steps, the resident's
rating, and the catalogue's edits. Every write runs in a transaction, checks who acts, and
writes a change record (never the resident's phone number)."""

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.core.workdays import deadline
from outpost.geo.models import Grid
from outpost.guides import queries
from outpost.guides.catalogue import FIELDS
from outpost.guides.models import (
    OPEN_STATES,
    HandledBy,
    Matter,
    MatterTerm,
    Mode,
    RequestState,
    ServiceRequest,
)
from outpost.guides.search import index_matter
from outpost.registry.validators import FieldProblem, normalize_phone

CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# Working days each mode takes on top of the matter's own time limit (送办 and 帮办 do not
# wait for the office: the resident is there or the papers are ready).
MODE_DAYS = {Mode.DELIVER: 3, Mode.ASSIST: 3, Mode.ON_BEHALF: 2, Mode.END_TO_END: 5}
WAITS_FOR_OFFICE = (Mode.ON_BEHALF, Mode.END_TO_END)


@dataclass(frozen=True)
class NewServiceRequest:
    matter: Matter
    mode: str
    resident_name: str
    phone: str
    address: str
    grid: Grid | None
    note: str = ""
    # Where it lies for the police when not the grid's main beat: a request a visit opened lies
    # where the visited subject does, so only who reads the subject reads the request.
    beat_code: str | None = None


def _record(actor: User | None, action: str, request: ServiceRequest, **after: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="service_request",
        object_key=request.code,
        after={"state": request.state, **after},
    )


def request_deadline(matter: Matter, mode: str, start: dt.datetime) -> dt.datetime:
    days = MODE_DAYS[Mode(mode)]
    if mode in WAITS_FOR_OFFICE:
        days += matter.time_limit_days
    return deadline(start, f"{days}d")


def _beat(grid: Grid, beat_code: str | None = None) -> str:
    if beat_code is not None:
        return beat_code
    return grid.main_beat.code if grid.main_beat else ""


def route(matter: Matter, grid: Grid, beat_code: str | None = None) -> tuple[str, User | None]:
    """Who handles it: police matters the beat's officer (the grid's main beat unless another
    is given), others the grid's worker; the outpost (nobody in particular) when there is no such
    person."""
    if matter.police:
        role, code, kind = Role.COMMUNITY_OFFICER, _beat(grid, beat_code), HandledBy.POLICE
    else:
        role, code, kind = Role.GRID_WORKER, grid.code, HandledBy.GRID
    row = (
        RoleAssignment.objects.filter(role=role, scope_code=code, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if not code or row is None:
        return HandledBy.OUTPOST, None
    return kind, row.user


def _checked(new: NewServiceRequest) -> str:
    """The normalised phone; refuses a request missing what is needed."""
    problems: dict[str, Any] = {}
    if not new.matter.published:
        problems["matter"] = refusal(_("No such matter"))
    if new.mode not in Mode.values:
        problems["mode"] = refusal(_("Choose how you would like to be helped"))
    if not new.resident_name.strip():
        problems["resident_name"] = refusal(_("Give your name"))
    if not new.address.strip():
        problems["address"] = refusal(_("Give the address where you live"))
    if new.grid is None:
        problems["grid"] = refusal(_("Choose the grid you live in"))
    phone = ""
    try:
        phone = normalize_phone(new.phone)
    except FieldProblem:
        problems["phone"] = refusal(
            _("Not a phone number: %(phone)s"), phone=str(new.phone).strip()[:20]
        )
    if problems:
        raise ValidationError(problems)
    return phone


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _n in range(CODE_LENGTH))
        if not ServiceRequest.objects.filter(code=code).exists():
            return code


@transaction.atomic
def create_service_request(new: NewServiceRequest, *, actor: User | None) -> ServiceRequest:
    """A resident's request for help (`actor` None: the resident themself; a staff member
    entering it for them otherwise). Routed to the grid's worker, the beat's officer for police
    matters, or the outpost."""
    phone = _checked(new)
    grid = new.grid
    assert grid is not None
    if actor is not None and not queries.enters_requests(actor):
        raise PermissionDenied
    if actor is not None and not queries.entry_grids(actor).filter(pk=grid.pk).exists():
        raise ValidationError({"grid": _("This grid is outside your area")})
    handled_by, assignee = route(new.matter, grid, new.beat_code)
    now = timezone.now()
    request = ServiceRequest.objects.create(
        code=_new_code(),
        matter=new.matter,
        mode=new.mode,
        resident_name=new.resident_name.strip(),
        **ServiceRequest.phone.columns(phone),
        address=new.address.strip(),
        note=new.note.strip(),
        grid=grid,
        grid_code=grid.code,
        beat_code=_beat(grid, new.beat_code),
        handled_by=handled_by,
        assignee=assignee,
        entered_by=actor,
        submitted_at=now,
        due_at=request_deadline(new.matter, new.mode, now),
    )
    _record(
        actor,
        "create_service_request",
        request,
        matter=new.matter.code,
        mode=new.mode,
        grid=grid.code,
        handled_by=handled_by,
        assignee=assignee.username if assignee else None,
    )
    return request


# --- steps --------------------------------------------------------------------------------------

STEPS = {
    "accept": ((RequestState.SUBMITTED,), RequestState.ACCEPTED),
    "start": ((RequestState.ACCEPTED,), RequestState.IN_PROGRESS),
    "finish": ((RequestState.ACCEPTED, RequestState.IN_PROGRESS), RequestState.DONE),
    "decline": (OPEN_STATES, RequestState.DECLINED),
}


@transaction.atomic
def act(request: ServiceRequest, step: str, *, actor: User, reason: str = "") -> ServiceRequest:
    """Move the request one step: accept (the acceptor becomes its assignee when it had none),
    start, finish, or decline with a reason."""
    current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if not queries.may_act(actor, current):
        raise PermissionDenied
    if step not in STEPS:
        raise ValidationError(refusal(_("No such step: %(step)s"), step=step))
    sources, target = STEPS[step]
    if current.state not in sources:
        raise ValidationError(
            refusal(_("This request is %(state)s already"), state=current.get_state_display())
        )
    if step == "decline" and not reason.strip():
        raise ValidationError({"reason": refusal(_("Say why the request is declined"))})
    now = timezone.now()
    current.state = target
    if step == "accept":
        current.accepted_at = now
        current.assignee = current.assignee or actor
    if target in (RequestState.DONE, RequestState.DECLINED):
        current.closed_at = now
    current.decline_reason = reason.strip()[:200] if step == "decline" else ""
    current.save()
    extra = {"reason": current.decline_reason} if step == "decline" else {}
    _record(actor, f"{step}_service_request", current, **extra)
    return current


@transaction.atomic
def rate(request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """The resident's rating (1–5) of a done request, once."""
    current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if current.state != RequestState.DONE:
        raise ValidationError(refusal(_("Only a request that is done can be rated")))
    if current.rating is not None:
        raise ValidationError(refusal(_("This request has been rated already")))
    if rating not in range(1, 6):
        raise ValidationError({"rating": refusal(_("A rating is from 1 to 5"))})
    current.rating, current.rating_comment = rating, comment.strip()[:300]
    current.rated_at = timezone.now()
    current.save(update_fields=["rating", "rating_comment", "rated_at"])
    _record(None, "rate_service_request", current, rating=rating)
    return current


@transaction.atomic
def reveal_phone(request: ServiceRequest, *, actor: User) -> str:
    """The resident's whole number, for whoever may act on the open request (to call them back);
    each reveal is written to the access log."""
    if not request.open or not queries.may_act(actor, request):
        raise PermissionDenied
    log_access(
        actor=actor,
        action="unmask",
        object_type="service_request",
        object_key=request.code,
        purpose="contact the resident",
        civil_code=request.grid_code,
        police_code=request.beat_code,
    )
    return request.phone.reveal()


# --- the catalogue ------------------------------------------------------------------------------


@transaction.atomic
def save_matter(matter: Matter, *, actor: User) -> Matter:
    """Store a new or edited matter (validated by its form) and index it again."""
    if not queries.edits_matters(actor):
        raise PermissionDenied
    before = None
    if matter.pk:
        stored = Matter.objects.get(pk=matter.pk)
        before = {name: getattr(stored, name) for name in (*FIELDS, "published")}
    matter.full_clean()
    matter.save()
    index_matter(matter, MatterTerm)
    after = {name: getattr(matter, name) for name in (*FIELDS, "published")}
    record_change(
        actor=actor,
        action="save_matter",
        object_type="matter",
        object_key=matter.code,
        before=before,
        after=after,
    )
    return matter
