"""{% main_menu %}: the header's links, as registered by each app (outpost/core/menu.py)."""

from typing import Any

from django import template

from outpost.core.menu import items_for

register = template.Library()


@register.inclusion_tag("core/_menu.html", takes_context=True)
def main_menu(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"items": items_for(user) if user is not None else []}
