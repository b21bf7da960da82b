"""Writes to area records, each in a transaction with its change record."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outpost.core.audit import record_change
from outpost.core.names import clean_name
from outpost.geo.models import Grid

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@transaction.atomic
def update_grid(
    grid: Grid, *, actor: "AbstractBaseUser | AnonymousUser | None", name: str, grid_type: str
) -> Grid:
    """Rename a grid or change its type (the boundary itself changes only by import)."""
    name, grid_type = name.strip(), grid_type.strip()
    if not name:
        raise ValidationError(_("The grid name cannot be empty."))
    name = clean_name(name)
    before = {"name": grid.name, "grid_type": grid.grid_type}
    after = {"name": name, "grid_type": grid_type}
    if before == after:
        return grid
    locked = Grid.objects.select_for_update().get(pk=grid.pk)
    locked.name, locked.grid_type = name, grid_type
    locked.full_clean(exclude=["community", "main_beat"])
    locked.save(update_fields=["name", "grid_type", "updated_at"])
    record_change(
        actor=actor,
        action="update_grid",
        object_type="grid",
        object_key=grid.code,
        before=before,
        after=after,
    )
    return locked
