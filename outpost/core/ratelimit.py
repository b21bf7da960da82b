"""Fixed-window rate limits counted in the database, so every worker process sees one count."""

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from outpost.core.models import RateBucket


def hit(key: str, *, limit: int, seconds: int = 60, now: float | None = None) -> int:
    """Count one hit of `key` in the current window. Returns 0 while the window holds at most
    `limit` hits, else the seconds until the next window (for Retry-After). Older windows of the
    key are dropped when a new one opens."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    with transaction.atomic():
        if not RateBucket.objects.filter(key=key, window=window).update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateBucket.objects.create(key=key, window=window, hits=1)
            except IntegrityError:  # another process opened the window first
                RateBucket.objects.filter(key=key, window=window).update(hits=F("hits") + 1)
            RateBucket.objects.filter(key=key, window__lt=window).delete()
        hits = RateBucket.objects.get(key=key, window=window).hits
    return 0 if hits <= limit else max(1, int((window + 1) * seconds - now))
