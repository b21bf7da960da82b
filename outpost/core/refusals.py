"""Refusals that speak both languages: an English message id with its parameters, rendered in
whichever language is active when it is shown (Chinese on pages, both in the API's answer)."""

from typing import Any

from django.core.exceptions import ValidationError


def refusal(message: Any, **params: Any) -> ValidationError:
    return ValidationError(message, params=params or None)
