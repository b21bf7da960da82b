"""What each workflow step does to the sign-on and handling clocks (declared on its row)."""

import datetime as dt
from typing import Any

from outpost.cases.workflow import Clock, Transition
from outpost.core.workdays import deadline


def effects(case: Any, step: Transition, now: dt.datetime) -> dict[str, Any]:
    """Field changes for the clocks a step starts, stops or pauses."""
    changes: dict[str, Any] = {}
    if Clock.SIGN_ON in step.stops:
        changes |= {"sign_on_started": None, "sign_on_due": None}
    if Clock.SIGN_ON in step.starts:
        hours = f"{case.subtype.sign_on_hours}h"
        changes |= {"sign_on_started": now, "sign_on_due": deadline(now, hours)}
    if Clock.HANDLING in step.pauses:
        changes["paused_at"] = now
    if Clock.HANDLING in step.starts:
        changes |= _start_handling(case, step, now)
    if Clock.HANDLING in step.stops:
        changes |= {"paused_at": None}
    return changes


def extended(case: Any, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    """An approved extension (延期): the handling deadline moves by the sub-type's limit again."""
    if case.handle_due is None:
        return {"extension_requested": False}
    due = deadline(case.handle_due, case.subtype.handle_limit)
    return {"handle_due": due, "extension_requested": False}


def _start_handling(case: Any, step: Transition, now: dt.datetime) -> dict[str, Any]:
    if case.paused_at and case.handle_due:
        # The clock was paused: the time spent suspended is added to the deadline.
        return {"paused_at": None, "handle_due": case.handle_due + (now - case.paused_at)}
    if case.handle_started is None and case.handle_due is not None:
        # Filed with its own deadline (a hazard's 整改期限): the first handling keeps it.
        return {"handle_started": now, "paused_at": None}
    return {
        "handle_started": now,
        "handle_due": deadline(now, case.subtype.handle_limit),
        "paused_at": None,
    }
