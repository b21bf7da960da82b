"""Facts about a case that only a higher app knows, asked through hooks it registers at start-up
(`AppConfig.ready`), so cases imports nothing above it.

`RECHECK_PASSED`: whether the re-check (复查) of a hazard case has passed. Field work registers
its inspections' answer: a hazard opened by a failed inspection item closes only after its
re-check passed (the `INSPECTION_RECHECK_PASSED` guard of the workflow table). Only a case
that could close now (已办结 or 已回访) of a sub-type that closes with a re-check photo is asked,
so lists of other cases cost no query.
"""

from collections.abc import Callable

from outpost.cases.models import Case
from outpost.cases.workflow import State

RECHECK_PASSED: list[Callable[[Case], bool]] = []


CLOSABLE = (State.COMPLETED, State.RATED)  # the states 结案 leaves from


def recheck_passed(case: Case) -> bool:
    if case.state not in CLOSABLE or case.subtype.closing_requires != "recheck_photo":
        return True
    return all(passed(case) for passed in RECHECK_PASSED)
