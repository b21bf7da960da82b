from django import template
from django.contrib.auth.models import AnonymousUser

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.registry.checks import FLAG_LABELS

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@register.filter
def may(user: User | AnonymousUser, action: str) -> bool:
    """Whether the user holds any role granting `action` (to show or hide a button)."""
    return not scope_for(user, action).empty
