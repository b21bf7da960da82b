"""The unread count beside the header's inbox link."""

from typing import Any

from django import template

from outpost.cases.inbox import unread_count

register = template.Library()


@register.filter
def unread_messages(user: Any) -> int:
    return unread_count(user)
