"""Scoped reads of 110 calls. Calls are seen by place: their grid or their beat in the user's
area; the diversion desk is for those who may dispatch cases there."""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.calls.classify import POLICE_LABEL
from outpost.calls.model import CUE_PREFIX
from outpost.calls.models import Call, Correction
from outpost.calls.services import call_namespace
from outpost.cases.models import SubType

DESK = "dispatch"  # the action that opens the desk and its calls
SEEN = "view_cases"  # inside this, a call answers 403 rather than 404


# Whether an operator has confirmed or corrected the call.
_REVIEWED = Exists(Correction.objects.filter(call=OuterRef("pk")))


def may_divert(user: User) -> bool:
    return not scope_for(user, DESK).empty


def recent_calls(user: User) -> QuerySet[Call]:
    """The calls of the user's area, newest first, each saying whether an operator has already
    confirmed or corrected it (`reviewed`)."""
    calls = Call.objects.select_related("case", "address").annotate(reviewed=_REVIEWED)
    return restrict(calls, user, DESK).order_by("-received_at", "-id")


# What the desk's list can be narrowed to, each among the calls no operator has reviewed yet.
FILTERS = {
    "unreviewed": _("Not yet reviewed"),
    "marked": _("Cannot tell"),
    "second": _("Danger sign, the model reads a sub-type"),
}
_WAITING = Q(reviewed=False)
_CONDITIONS = {
    "unreviewed": _WAITING,
    "marked": _WAITING & Q(marked=True),
    # The second reading (二次研判): a danger sign kept the call, the model would divert it.
    "second": _WAITING & Q(reason_code="danger") & ~Q(suggested__in=("", POLICE_LABEL)),
}


def narrowed(calls: QuerySet[Call], show: str) -> QuerySet[Call]:
    """`recent_calls` narrowed to one of FILTERS (any other value: all of them)."""
    return calls.filter(_CONDITIONS[show]) if show in _CONDITIONS else calls


def filter_counts(calls: QuerySet[Call]) -> dict[str, int]:
    """How many of `recent_calls` each filter holds, in one query."""
    counts = {show: Count("pk", filter=q) for show, q in _CONDITIONS.items()}
    return calls.order_by().aggregate(**counts)


def get_call(user: User, call_id: str) -> Call:
    """The call for a dispatcher of its area (`reviewed` as in `recent_calls`); 404 outside what
    the user sees, 403 inside it without the right to dispatch. Where two importers stored the
    same id, the user's own."""
    own = ExpressionWrapper(Q(namespace=call_namespace(user)), output_field=BooleanField())
    calls = Call.objects.select_related("case", "address").annotate(own=own, reviewed=_REVIEWED)
    return get_for_user(calls.order_by("-own", "-id"), user, DESK, seen=SEEN, call_id=call_id)


def subtype_names() -> dict[str, str]:
    return dict(SubType.objects.filter(code__startswith="09").values_list("code", "name"))


def correction_choices() -> list[tuple[str, str]]:
    """What an operator may correct a call to: the police, or an active 09xx sub-type."""
    subtypes = SubType.objects.filter(code__startswith="09", active=True).order_by("code")
    police = [(POLICE_LABEL, str(_("Keep with the police")))]
    return police + [(s.code, f"{s.code} {s.name}") for s in subtypes]


def why_shown(why: list[list[object]]) -> list[str]:
    """The features that decided, as the desk shows them: 「n-gram」, a situation by its name."""
    shown = []
    for feature, _weight in why:
        name = str(feature)
        if name.startswith(CUE_PREFIX):
            shown.append(gettext("situation %(name)s") % {"name": name[len(CUE_PREFIX) :]})
        else:
            shown.append(f"「{name}」")
    return shown


def corrections_of(call: Call) -> QuerySet[Correction]:
    return call.corrections.select_related("actor").order_by("-at", "-id")
