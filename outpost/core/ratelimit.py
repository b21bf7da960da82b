"""Fixed-window rate limits counted in the database, so every worker process sees one count."""

import time

from django.db import connection

from outpost.core.models import RateBucket


def hit(key: str, *, limit: int, seconds: int = 60, now: float | None = None) -> int:
    """Count one hit of `key` in the current window. Returns 0 while the window holds at most
    `limit` hits, else the seconds until the next window (for Retry-After). Older windows of the
    key are dropped when a new one opens."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    hits = _count(key, window)
    if hits == 1:  # this hit opened the window
        _drop_before(key, window)
    return 0 if hits <= limit else max(1, int((window + 1) * seconds - now))


def _count(key: str, window: int) -> int:
    """The window's hits after this one, in one statement: the row is created or counted up
    atomically (two processes opening the same window both count; neither fails)."""
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "window", "hits") VALUES (%s, %s, 1) '
            f'ON CONFLICT ("key", "window") DO UPDATE SET "hits" = {table}."hits" + 1 '
            'RETURNING "hits"',
            [key, window],
        )
        return int(cursor.fetchone()[0])


def _drop_before(key: str, window: int) -> None:
    """The key's older windows, in one statement (no transaction around it: nothing cascades)."""
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM {table} WHERE "key" = %s AND "window" < %s', [key, window])
