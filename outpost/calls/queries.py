"""Scoped reads of 110 calls. Calls are seen by place: their grid or their beat in the user's
area; the diversion desk is for those who may dispatch cases there."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.calls.models import Call
from outpost.calls.services import call_namespace
from outpost.cases.models import SubType

DESK = "dispatch"  # the action that opens the desk and its calls
SEEN = "view_cases"  # inside this, a call answers 403 rather than 404


def may_divert(user: User) -> bool:
    return not scope_for(user, DESK).empty


def recent_calls(user: User) -> QuerySet[Call]:
    calls = Call.objects.select_related("case", "address")
    return restrict(calls, user, DESK).order_by("-received_at", "-id")


def get_call(user: User, call_id: str) -> Call:
    """The call for a dispatcher of its area; 404 outside what the user sees, 403 inside it
    without the right to dispatch. Where two importers stored the same id, the user's own."""
    own = ExpressionWrapper(Q(namespace=call_namespace(user)), output_field=BooleanField())
    calls = Call.objects.select_related("case", "address").annotate(own=own)
    return get_for_user(calls.order_by("-own", "-id"), user, DESK, seen=SEEN, call_id=call_id)


def subtype_names() -> dict[str, str]:
    return dict(SubType.objects.filter(code__startswith="09").values_list("code", "name"))
