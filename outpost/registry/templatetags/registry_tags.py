from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.registry.checks import FLAG_LABELS
from outpost.registry.imports import KIND_LABELS
from outpost.registry.models import House, Organisation, Person

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@register.filter
def import_kind(kind: str) -> str:
    """What an import's file held, as the pages name it (persons → 人口)."""
    return str(KIND_LABELS.get(kind, kind))


@register.filter
def may(user: User | AnonymousUser, action: str) -> bool:
    """Whether the user holds any role granting `action` (to show or hide a button)."""
    return not scope_for(user, action).empty


@register.filter
def edit_field_label(name: str, kind: str = "") -> str:
    """A field of a queued edit by its model's own label (address_id → 当前住址, phone → 手机);
    a person's name is their 姓名."""
    if kind == "person" and name == "name":
        return str(_("Full name"))
    column = name.removesuffix("_id")
    models = {"person": Person, "house": House, "organisation": Organisation}
    first = [models[kind]] if kind in models else []
    for model in [*first, Person, House, Organisation]:
        for candidate in (column, f"{column}_masked"):
            try:
                field = model._meta.get_field(candidate)
            except FieldDoesNotExist:
                continue
            return str(getattr(field, "verbose_name", name))
    return name


@register.filter
def imports_anything(user: User | AnonymousUser) -> bool:
    """Whether the user may import any kind of registry file (to show the Import tab)."""
    from outpost.registry.imports.base import IMPORT_ACTION
    from outpost.registry.jobs import may_import

    return user.is_authenticated and any(may_import(user, kind) for kind in IMPORT_ACTION)
