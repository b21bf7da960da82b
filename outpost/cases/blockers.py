"""Facts about a case that only a higher app knows, asked through hooks it registers at start-up
(`AppConfig.ready`), so cases imports nothing above it.

`RECHECK_PASSED`: whether the re-check (复查) of a hazard case has passed. Field work registers
its inspections' answer: a hazard opened by a failed inspection item closes only after its
re-check passed (the `INSPECTION_RECHECK_PASSED` guard of the workflow table). Only sub-types
that close with a re-check photo are asked, so other cases cost no query.
"""

from collections.abc import Callable

from outpost.cases.models import Case

RECHECK_PASSED: list[Callable[[Case], bool]] = []


def recheck_passed(case: Case) -> bool:
    if case.subtype.closing_requires != "recheck_photo":
        return True
    return all(passed(case) for passed in RECHECK_PASSED)
