"""The address matcher over the stored standard addresses, kept per process and rebuilt when
addresses change."""

import threading
from typing import Any

from django.db.models import Count, Max

from outpost.geo.models import Division
from outpost.registry.matching import AddressMatcher, AddressRecord
from outpost.registry.models import StandardAddress

LEVEL_NAMES = {"door": "门牌", "building": "楼栋", "room": "户室"}
_lock = threading.Lock()
_cached: tuple[Any, AddressMatcher] | None = None


def _stamp() -> Any:
    stats = StandardAddress.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (stats["n"], stats["latest"])


def _build() -> AddressMatcher:
    rows = StandardAddress.objects.select_related("parent").order_by("code")
    records = [
        AddressRecord(
            addr_id=a.code,
            level=LEVEL_NAMES[a.level],
            parent_id=a.parent.code if a.parent else "",
            community_code=a.community_code,
            road=a.road,
            door_no=a.door_no,
            compound=a.compound,
            building=a.building,
            unit=a.unit,
            floor=a.floor,
            room=a.room,
            full_text=a.full_text,
        )
        for a in rows
    ]
    names = dict(Division.objects.values_list("code", "name"))
    return AddressMatcher(records, names)


def address_matcher() -> AddressMatcher:
    global _cached
    stamp = _stamp()
    if _cached is None or _cached[0] != stamp:
        with _lock:
            if _cached is None or _cached[0] != stamp:
                _cached = (stamp, _build())
    return _cached[1]
