"""Ninety days of field work for the demo (演示外业数据), consistent with the cases history.

Every grid with a grid worker gets a patrol plan its workers walk (check-ins along the route, a
few outside the grid and flagged; every case the history says was found on patrol reported from
a check-in at its place), its care subjects, rented houses and key organisations visited at
their frequencies (some fallen behind: overdue now), and inspections by the shipped checklists
whose failed items became hazard cases with re-checks. The rows are written in bulk - through
the services one by one this would take many minutes - but as the services write them: the
same fields, the same change records and access-log rows (chained), the hazard cases filed and
walked by the cases history. Seeded: the same database gives the same field work.
"""

from django.db import transaction

from outpost.fieldwork.demo import inspections, patrols, visits
from outpost.fieldwork.demo.base import Ids, World
from outpost.fieldwork.models import CheckIn, Inspection, Patrol, PatrolPlan, Visit


@transaction.atomic
def generate_fieldwork(days: int = 90, seed: int = 2026) -> dict[str, int]:
    """Write the field work of the last `days` days (nothing if there are patrol plans
    already); returns how many of each were made."""
    if PatrolPlan.objects.exists():
        return {}
    world = World.load(seed, days)
    ids = Ids(PatrolPlan, Patrol, CheckIn, Visit, Inspection)
    made = patrols.generate(world, ids)
    made["visits"] = visits.generate(world, ids)
    made |= inspections.generate(world, ids)
    world.flush()
    ids.done()
    return made
