"""Free-text → standard address matcher (地址匹配). Pure Python, no Django.

    matcher = AddressMatcher(records, division_names)   # build once (about a second for 45k)
    matcher.match("南京鼓楼区珞珈路2号宁海花园1-1-101").addr_id

Text is normalised, split into the district's own names (a gazetteer built from the records and
the division names) and numbers with their words, and the parsed components are looked up
exactly; the only fuzzy step is a road name with one typo (a unique winner, or the only one that
sounds like what was written).
"""

from .loading import load_division_names, load_records
from .matcher import AddressMatcher
from .records import MATCH_THRESHOLD, AddressRecord, Candidate, MatchResult

__all__ = [
    "MATCH_THRESHOLD",
    "AddressMatcher",
    "AddressRecord",
    "Candidate",
    "MatchResult",
    "load_division_names",
    "load_records",
]
