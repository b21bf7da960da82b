from django import template

from outpost.accounts.units import name_of
from outpost.core.access import OBJECT_TYPES, worded_purpose
from outpost.core.masking import shorten_id_masks

register = template.Library()


@register.filter
def id_masks_shortened(text: str) -> str:
    """An access-log key as shown: ID masks of an earlier, longer rule cut down to today's."""
    return shorten_id_masks(text)


@register.filter
def unit_name(code: str, kind: str) -> str:
    """A grid's, beat's or other unit's name for its code (the code itself where none is
    known): pages show names, with the code beside them only as a detail."""
    if not code:
        return ""
    return name_of(kind, code) or code


@register.filter
def access_object(object_type: str) -> str:
    """What an access-log row is about, worded (person → 个人); an unknown type as stored."""
    return str(OBJECT_TYPES.get(object_type, object_type))


@register.filter
def access_purpose(purpose: str) -> str:
    """An access-log row's purpose, its machine-written parts worded (rows=3 → 行数 3)."""
    return worded_purpose(purpose)
