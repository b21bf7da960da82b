"""Signals other apps listen to; geo itself knows nothing of them."""

from django.dispatch import Signal

# Sent inside the import transaction after grid or beat shapes changed, so that records placed
# by their point (addresses, cases) can be reassigned before the change commits.
boundaries_changed = Signal()
