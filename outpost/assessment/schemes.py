"""The default 警网双考 scheme for a 街道 and its 派出所, as data: per unit kind, the paper's
indicators (by their catalogue code) with a weight (points, summing to 100) and a target.
`joint` items are the shared ones: a beat is scored on the figures of the grids it covers,
pooled through the overlay (`snapshot.pooled`), the same records its grids are scored on."""

from dataclasses import dataclass

from outpost.assessment.catalogue import INDICATORS


@dataclass(frozen=True)
class Item:
    indicator: str
    weight: float
    target: float  # a share 0..1, or hours for a duration
    joint: bool = False


DEFAULT_NAME = "派出所/街道警网双考（默认方案）"
DEFAULT: dict[str, tuple[Item, ...]] = {
    "grid": (
        Item("collection_accuracy", 15, 0.95),
        Item("floating_registration", 10, 0.95),
        Item("rental_filing", 10, 0.90),
        Item("dispute_resolution", 15, 0.90, joint=True),
        Item("case_closure", 15, 0.95, joint=True),
        Item("case_on_time", 10, 0.90, joint=True),
        Item("satisfaction", 10, 0.90, joint=True),
        Item("care_visit_coverage", 10, 1.0),
        Item("sign_on_median", 5, 2.0),
    ),
    "beat": (
        Item("dispute_resolution", 15, 0.90, joint=True),
        Item("case_closure", 15, 0.95, joint=True),
        Item("case_on_time", 10, 0.90, joint=True),
        Item("satisfaction", 10, 0.90, joint=True),
        Item("floating_registration", 10, 0.95),
        Item("rental_filing", 10, 0.90),
        Item("inspection_pass", 10, 0.90),
        Item("diversion_110", 10, 0.30),
        Item("instruction_on_time", 10, 0.95),
    ),
}


def check(kind: str, item: Item) -> None:
    """A scheme item names a known indicator offered for the unit kind (a joint one: a beat's,
    pooled from its grids' figures)."""
    indicator = INDICATORS.get(item.indicator)
    if indicator is None:
        raise ValueError(f"unknown indicator {item.indicator}")
    pooled_from = "grid" if item.joint and kind == "beat" else kind
    if pooled_from not in indicator.source.units:
        raise ValueError(f"{item.indicator} has no {pooled_from} figure")
    if item.weight <= 0 or item.target < 0:
        raise ValueError("weights are positive and targets not negative")
