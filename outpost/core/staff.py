"""Who works in an area, asked by core without importing accounts (core sits below it).

The access log's scope rule (`AccessLogEntry.scope_q`) lets an auditor of an area see what the
area's staff did, sign-ins under their names included. Staff and their areas live in accounts,
which plugs its answer in here when it starts (`AccountsConfig.ready`), as the command room
plugs its duty roster into cases (`cases.supervision.ROOM_DUTY`).
"""

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from outpost.core.scoping import NOTHING, Scope

# Each answers a scope with the usernames of the staff assigned in it (a values() queryset).
StaffNames = Callable[[Scope], Any]
STAFF_NAMES: list[StaffNames] = []


def staff_names_q(field_name: str, scope: Scope) -> Q:
    """`field_name` holds the username of someone assigned in the scope."""
    if not STAFF_NAMES:
        return NOTHING
    return reduce(or_, (Q(**{f"{field_name}__in": names(scope)}) for names in STAFF_NAMES))
