"""Facts about a case that only a higher app knows, asked through hooks it registers at start-up
(`AppConfig.ready`), so cases imports nothing above it.

`RECHECK_PENDING`: which cases still wait for a passed re-check (复查). Field work registers its
inspections' answer: a hazard opened by a failed inspection item closes only after its re-check
passed (the `INSPECTION_RECHECK_PASSED` guard of the workflow table). A hook takes many cases
and answers in one query, so a list reads the whole page at once (`read_rechecks`) instead of a
query per case. Only a case that could close now (已办结 or 已回访) of a sub-type that closes with a
re-check photo is asked, so lists of other cases cost no query.
"""

from collections.abc import Callable, Iterable

from outpost.cases.models import Case
from outpost.cases.workflow import State

# Each hook: the cases asked → the ids of those whose re-check has not passed.
RECHECK_PENDING: list[Callable[[list[Case]], set[int]]] = []

CLOSABLE = (State.COMPLETED, State.RATED)  # the states 结案 leaves from
READ = "recheck_read"  # set on a case by `read_rechecks`: its answer, read with the page


def _asked(case: Case) -> bool:
    return case.state in CLOSABLE and case.subtype.closing_requires == "recheck_photo"


def recheck_passed(case: Case) -> bool:
    if not _asked(case):
        return True
    read: bool | None = getattr(case, READ, None)
    if read is not None:
        return read
    return not any(case.pk in pending([case]) for pending in RECHECK_PENDING)


def read_rechecks(cases: Iterable[Case]) -> None:
    """Ask the hooks once for a page of cases (select_related("subtype")); each case asked
    keeps its answer, which `recheck_passed` then gives without a query."""
    asked = [c for c in cases if _asked(c)]
    if not asked:
        return
    pending: set[int] = set()
    for hook in RECHECK_PENDING:
        pending |= hook(asked)
    for case in asked:
        setattr(case, READ, case.pk not in pending)
