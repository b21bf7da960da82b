"""Background loops that survive a failing round and stop cleanly.

A round that raises is logged with its traceback and the loop carries on with the next one (a
database restart or one bad record must not end supervision). SIGTERM or SIGINT lets the
current round finish, then the loop returns, so the process exits 0 and nothing is cut off
halfway."""

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections


def run_every(seconds: float, one_round: Callable[[], Any], log: logging.Logger) -> None:
    stop = threading.Event()
    asked: list[int] = []

    def asked_to_stop(signum: int, _frame: Any) -> None:
        # Only note it here: a signal handler that logs can interrupt a log write of the round
        # it arrived in (the same stream and lock); the loop says so once the round is over.
        asked.append(signum)
        stop.set()

    previous = {s: signal.signal(s, asked_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    log.info("loop started every=%ss", seconds)
    rounds = 0
    try:
        while not stop.is_set():
            rounds += 1
            try:
                one_round()
            except Exception:
                log.exception("round failed round=%s; next in %ss", rounds, seconds)
            finally:
                # A connection broken by the failure (or one past its age) is replaced.
                close_old_connections()
            stop.wait(seconds)
        log.info("stopping after this round signal=%s", signal.Signals(asked[0]).name)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("loop stopped rounds=%s", rounds)
