"""{{ user|unread_messages }}: the unread count beside the header's inbox link."""

from django import template

from outpost.accounts.models import User
from outpost.notifications.queries import unread_count

register = template.Library()


@register.filter
def unread_messages(user: User) -> int:
    return unread_count(user)
