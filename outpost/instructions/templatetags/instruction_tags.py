"""Template helpers: the app's own menu and labels."""

from typing import Any

from django import template

from outpost.instructions import queries
from outpost.instructions.models import RecipientKind, RecipientState

register = template.Library()


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
