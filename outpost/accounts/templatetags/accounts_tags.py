from django import template

from outpost.accounts.scope import scope_for

register = template.Library()


@register.filter
def holds(user: object, action: str) -> bool:
    """Whether the user holds any role granting `action` (to show or hide a link)."""
    return not scope_for(user, action).empty
