"""Whether the header offers the command room: only to those who run one."""


from django import template

from outpost.accounts.models import User
from outpost.command.queries import rooms_for

register = template.Library()


@register.filter
def runs_a_room(user: User) -> bool:
    return bool(user.is_authenticated) and rooms_for(user).exists()
