"""Template filters for the words of the workflow: {{ case.state|state_label }} and friends."""

from django import template

from outpost.cases import labels

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    return labels.label(labels.STATE_LABELS, value)


@register.filter
def action_label(value: str) -> str:
    return labels.label(labels.ACTION_LABELS, value)


@register.filter
def rating_label(value: str) -> str:
    return labels.label(labels.RATING_LABELS, value)


@register.filter
def clock_label(value: str) -> str:
    return labels.label(labels.CLOCK_LABELS, value)


@register.filter
def card_label(value: str) -> str:
    return labels.label(labels.CARD_LABELS, value)


@register.filter
def unit_kind_label(value: str) -> str:
    return labels.label(labels.UNIT_KIND_LABELS, value)
