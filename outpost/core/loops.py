"""Background loops that survive a failing round and stop cleanly.

A round that raises is logged with its traceback and the loop carries on with the next one (a
database restart or one bad record must not end supervision). SIGTERM or SIGINT lets the
current round finish, then the loop returns, so the process exits 0 and nothing is cut off
halfway."""

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections

STEP = 0.2  # how soon a signal is noticed between rounds, in seconds


def run_every(seconds: float, one_round: Callable[[], Any], log: logging.Logger) -> None:
    asked: list[int] = []

    def asked_to_stop(signum: int, _frame: Any) -> None:
        # Only note it: the handler runs in the main thread wherever it was interrupted, so one
        # that takes a lock (an Event's, a log handler's) the interrupted code holds never returns.
        asked.append(signum)

    previous = {s: signal.signal(s, asked_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    log.info("loop started every=%ss", seconds)
    rounds = 0
    try:
        while not asked:
            rounds += 1
            try:
                one_round()
            except Exception:
                log.exception("round failed round=%s; next in %ss", rounds, seconds)
            finally:
                # A connection broken by the failure (or one past its age) is replaced.
                close_old_connections()
            _pause(seconds, asked)
        log.info("stopping after this round signal=%s", signal.Signals(asked[0]).name)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("loop stopped rounds=%s", rounds)


def _pause(seconds: float, asked: list[int]) -> None:
    """Wait until the next round, or until a signal asks the loop to stop."""
    deadline = time.monotonic() + seconds
    while not asked and time.monotonic() < deadline:
        time.sleep(min(STEP, max(0.0, deadline - time.monotonic())))
