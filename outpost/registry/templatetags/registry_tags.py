from django import template

from outpost.registry.checks import FLAG_LABELS

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code)
