"""{% if user|may_divert %}: whether to show the diversion desk in the header."""


from django import template

from outpost.accounts.models import User
from outpost.calls.queries import may_divert as _may_divert

register = template.Library()


@register.filter
def may_divert(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and _may_divert(user)
