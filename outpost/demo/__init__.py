"""The 鼓楼区 demo (`outpost demo`): the top layer, which drives every app's own demo helpers.

Each app keeps the demo data it alone knows how to make beside its code (`accounts/demo.py`,
`cases/history.py`, `command/demo.py`, `instructions/demo.py`); only this app calls them all.
"""
