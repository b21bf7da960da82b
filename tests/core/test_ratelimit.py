"""The shared rate limit: hits counted per key and window in the database (one statement per
hit), refused past the limit with the seconds to wait, a new window starting afresh and dropping
the key's older ones."""

import pytest

from outpost.core.models import RateBucket
from outpost.core.ratelimit import hit

pytestmark = pytest.mark.django_db


def test_it_lets_the_limit_through_and_refuses_the_next_until_the_window_ends() -> None:
    assert [hit("status:203.0.113.7", limit=3, now=600.0) for _ in range(3)] == [0, 0, 0]
    assert hit("status:203.0.113.7", limit=3, now=630.0) == 30  # the window ends at 660
    assert hit("status:198.51.100.9", limit=3, now=630.0) == 0  # another client counts apart


def test_it_starts_a_new_window_afresh_and_drops_the_keys_older_ones() -> None:
    for _ in range(5):
        hit("status:203.0.113.7", limit=3, now=600.0)
    hit("status:198.51.100.9", limit=3, now=600.0)
    assert hit("status:203.0.113.7", limit=3, now=660.0) == 0
    windows = RateBucket.objects.values_list("key", "window", "hits")
    assert sorted(windows) == [("status:198.51.100.9", 10, 1), ("status:203.0.113.7", 11, 1)]
