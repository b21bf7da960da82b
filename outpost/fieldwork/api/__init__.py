"""Field-work API for the phone: patrol plans, patrols with their check-ins and photos, a case
from what a patrol found, coverage, visits (the due list, a visit's record) and inspections
(checklists, results, joint sign-offs, re-checks)."""

from outpost.fieldwork.api import inspections, offline, patrols, visits
from outpost.fieldwork.api.base import router

__all__ = ["inspections", "offline", "patrols", "router", "visits"]
