"""The demo's early warnings: the rules run once over the demo's history and field work."""

from outpost.warnings.scan import scan


def raise_demo_warnings() -> int:
    return sum(scan().values())
