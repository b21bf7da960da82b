"""Showing a service's refusal on the form that asked for the change."""

from django.core.exceptions import ValidationError
from django.forms import Form


def show_refusal(form: Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Each problem next to the field it is about (`rename` maps a service's field names to the
    form's), or above the form when it names no field the form has."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        name = (rename or {}).get(field, field)
        form.add_error(name if name in form.fields else None, problems)
