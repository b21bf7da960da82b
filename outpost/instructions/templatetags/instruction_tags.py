"""Template helpers: whether the header shows "Instructions", the app's own menu, and labels."""

from typing import Any

from django import template

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.instructions import queries
from outpost.instructions.models import InstructionRecipient, RecipientKind, RecipientState

register = template.Library()


@register.filter
def uses_instructions(user: User) -> bool:
    """Senders (dispatch), units that receive (handle) and anyone an instruction names."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not (scope_for(user, "dispatch").empty and scope_for(user, "handle").empty):
        return True
    return InstructionRecipient.objects.filter(user=user).exists()


@register.inclusion_tag("instructions/_nav.html", takes_context=True)
def instructions_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    user = context["request"].user
    return {
        "current": current,
        "can_send": queries.sender_rooms(user).exists(),
        "sees_rooms": queries.overseen_rooms(user).exists(),
    }


@register.filter
def recipient_state(value: str) -> str:
    try:
        return str(RecipientState(value).label)
    except ValueError:
        return value


@register.filter
def recipient_kind(value: str) -> str:
    try:
        return str(RecipientKind(value).label)
    except ValueError:
        return value
