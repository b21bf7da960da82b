"""The app's own settings, with one more URL: a bare Django JSON view, the load test's anchor
(`bench/jiangsu/mixed_load.py` runs gunicorn with these)."""

from outpost.settings import *  # noqa: F403

ROOT_URLCONF = "bench.jiangsu.anchor_urls"
