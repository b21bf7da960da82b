"""Finding the process to kill in the fault tests: the gunicorn worker whose database session is
waiting on a lock the test holds (PostgreSQL names the session's client port; /proc names the
process that owns that socket). Linux only, as the production stack is."""

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg


def children(parent: int) -> set[int]:
    """The processes whose parent is `parent` (gunicorn's master: its workers)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue  # gone meanwhile
        ppid = next((line.split()[1] for line in lines if line.startswith("PPid:")), "")
        if ppid == str(parent):
            found.add(int(status.parent.name))
    return found


def _socket_inode(local_port: int) -> str | None:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == local_port:
            return fields[9]
    return None


def owner_of_port(candidates: set[int], local_port: int) -> int | None:
    """Which of these processes holds the TCP socket bound to `local_port` on this side."""
    wanted = f"socket:[{_socket_inode(local_port)}]"
    for pid in candidates:
        try:
            links = [str(fd.readlink()) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue  # gone meanwhile
        if wanted in links:
            return pid
    return None


def waiting_process(
    db: psycopg.Connection[Any], query_like: str, candidates: set[int], seconds: float = 30
) -> tuple[int, int]:
    """(pid, client port) of the one of `candidates` whose database session is blocked on a
    lock while running a statement like this (others, such as the sweep, may wait too)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = db.execute(
            "SELECT client_port FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            (query_like,),
        ).fetchall()
        for (port,) in rows:
            if (pid := owner_of_port(candidates, int(port))) is not None:
                return pid, int(port)
        time.sleep(0.1)
    raise AssertionError(f"none of {candidates} waited on {query_like!r}")


def session_gone(db: psycopg.Connection[Any], client_port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = db.execute(
            "SELECT 1 FROM pg_stat_activity WHERE client_port = %s", (client_port,)
        ).fetchone()
        if not found:
            return
        time.sleep(0.1)
    raise AssertionError(f"the session on port {client_port} is still there")


def in_background(call: Callable[[], Any]) -> Callable[[], Any]:
    """Run `call` in a thread; the returned function waits and gives its result or exception."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:  # the killed process's answer: whatever the client saw
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> Any:
        thread.join(timeout=60)
        assert outcome, "the request never ended"
        return outcome[0]

    return result
