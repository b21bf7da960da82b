"""Values computed from data and kept in the cache under a version stamp of that data (the map's
grid labels, each district's roads).

A stamp changes whenever the data does, so a new stamp is a new key. The old key is deleted when
the first request sees the new stamp (the stamp last kept is remembered under the prefix), and
every key expires after `SECONDS` anyway: a shared cache (Redis, Memcached) never keeps a stamp
nobody asks for again, also when two processes race past the same bump."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

SECONDS = 24 * 3600  # a value is rebuilt at least daily (a few ms to a few hundred ms)


def kept(prefix: str, version: str, build: Callable[[], T]) -> T:
    """The value of `prefix` at `version`, built and kept when missing; the key of the version
    kept before it is deleted."""
    key = f"{prefix}:{version}"
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        latest = f"{prefix}:latest"
        before = cache.get(latest)
        if before is not None and before != version:
            cache.delete(f"{prefix}:{before}")
        cache.set(key, value, timeout=SECONDS)
        cache.set(latest, version, timeout=SECONDS)
    return value
