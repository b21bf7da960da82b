"""Field-work writes: patrol plans, patrols started and ended on the phone, their check-ins and
photos, a case reported from what a patrol found, visits (走访) and inspections (检查). Every
write runs in a transaction, takes the actor and writes a change record.

Callers import the package (`from outpost.fieldwork import services`); the modules below are
its parts, re-exported here."""

from outpost.fieldwork.services.inspections import (
    INSPECT_ACTION,
    RECTIFY_DAYS,
    applies,
    complete_inspection,
    recheck,
    sign_off,
    start_inspection,
)
from outpost.fieldwork.services.patrols import (
    ENDED,
    Finding,
    check_in,
    end_patrol,
    report_found,
    start_patrol,
)
from outpost.fieldwork.services.plans import (
    MAX_PER_WEEK,
    PATROL_ACTION,
    PLAN_ACTION,
    NewPlan,
    PlanChanges,
    create_plan,
    deactivate_plan,
    edit_plan,
)
from outpost.fieldwork.services.visits import (
    VISIT_ACTION,
    NewVisit,
    Subject,
    record_visit,
    visit_kind,
)

__all__ = [
    "ENDED",
    "INSPECT_ACTION",
    "MAX_PER_WEEK",
    "PATROL_ACTION",
    "PLAN_ACTION",
    "RECTIFY_DAYS",
    "VISIT_ACTION",
    "Finding",
    "NewPlan",
    "NewVisit",
    "PlanChanges",
    "Subject",
    "applies",
    "check_in",
    "complete_inspection",
    "create_plan",
    "deactivate_plan",
    "edit_plan",
    "end_patrol",
    "recheck",
    "record_visit",
    "report_found",
    "sign_off",
    "start_inspection",
    "start_patrol",
    "visit_kind",
]
