from typing import Any

from django.dispatch import receiver

from outpost.geo.signals import boundaries_changed
from outpost.registry.placement import reassign_all


@receiver(boundaries_changed)
def reassign_on_boundary_change(sender: Any, **kwargs: Any) -> None:
    reassign_all()
