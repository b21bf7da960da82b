"""Names people give to places and groups (grids, divisions, beats, virtual groups) are shown on
every page, map tooltip and export: they are plain text on one line. Pages render them as text
anyway; refusing markup and control characters at the edge keeps them plain everywhere else
(exports, notifications, other systems reading the API) and stops direction overrides that make
one name look like another."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.core.refusals import refusal

NAME_MAX = 64
MARKUP = frozenset("<>")
# Explicit direction embeddings, overrides and isolates (Unicode bidi controls).
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def name_problem(value: str, max_length: int = NAME_MAX) -> str | None:
    """Why `value` is not a plain one-line name: "empty", "too_long", "markup" or "control"."""
    if not value.strip():
        return "empty"
    if len(value) > max_length:
        return "too_long"
    if any(ch in MARKUP for ch in value):
        return "markup"
    if any(_control(ch) for ch in value):
        return "control"
    return None


def _control(ch: str) -> bool:
    return ch in BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def clean_name(value: str, *, max_length: int = NAME_MAX, field: str | None = None) -> str:
    """The name trimmed, or a refusal in both languages (under `field` when given)."""
    value = value.strip()
    problem = name_problem(value, max_length)
    if problem is None:
        return value
    error = _refusal(problem, max_length)
    raise ValidationError({field: error}) if field else error


def _refusal(problem: str, limit: int) -> ValidationError:
    if problem == "empty":
        return refusal(_("The name cannot be empty."))
    if problem == "too_long":
        return refusal(_("The name is too long: at most %(limit)s characters."), limit=limit)
    if problem == "markup":
        return refusal(_("The name may not contain the angle brackets < or >."))
    return refusal(_("The name may not contain control characters or line breaks."))
