"""What each workflow step does to the sign-on and handling clocks, and the supervision sweep."""

import datetime as dt
from typing import Any

from outpost.cases.models import Case
from outpost.cases.workflow import Clock, Transition
from outpost.core.workdays import deadline


def effects(case: Case, step: Transition, now: dt.datetime) -> dict[str, Any]:
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
    if step.action == "approve_extension" and case.handle_due:
        changes |= {
            "handle_due": deadline(case.handle_due, case.subtype.handle_limit),
            "extension_requested": False,
        }
    return changes


def _start_handling(case: Case, step: Transition, now: dt.datetime) -> dict[str, Any]:
    if step.action == "resume" and case.paused_at and case.handle_due:
        # The clock was paused: the time spent suspended is added to the deadline.
        return {"paused_at": None, "handle_due": case.handle_due + (now - case.paused_at)}
    return {
        "handle_started": now,
        "handle_due": deadline(now, case.subtype.handle_limit),
        "paused_at": None,
    }
