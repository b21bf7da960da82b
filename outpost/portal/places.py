"""Places as the public may see them: door plates (路名 + 门牌号) found by a search, and the
street-level name of where a case lies. Never a building, a room, a compound or who lives
anywhere: the search reads door-level addresses only and answers with road and number."""

from dataclasses import dataclass

from django.db.models import Q

from outpost.cases.models import Case
from outpost.geo.models import Division
from outpost.registry.models import AddressLevel, StandardAddress, VerificationState

MIN_QUERY = 2
MAX_RESULTS = 8


@dataclass(frozen=True)
class PublicPlace:
    code: str
    label: str  # road and door number only
    lon: float
    lat: float


def _public(address: StandardAddress) -> PublicPlace:
    return PublicPlace(address.code, f"{address.road}{address.door_no}", address.lon, address.lat)


def door_plates() -> "Q":
    return Q(level=AddressLevel.DOOR, state=VerificationState.VERIFIED)


def search_addresses(query: str) -> list[PublicPlace]:
    """Door plates whose road (and number) hold every word of the query: "鼓楼 12号" or
    "中山路12". Fewer than two characters find nothing."""
    words = query.replace("\x00", "").split()
    if len("".join(words)) < MIN_QUERY:
        return []
    found = StandardAddress.objects.filter(door_plates())
    for word in words[:4]:
        found = found.filter(_word_q(word[:32]))
    rows = found.only("code", "road", "door_no", "lon", "lat").order_by("road", "door_no")
    return [_public(a) for a in rows[:MAX_RESULTS]]


def _word_q(word: str) -> Q:
    """A word matches the road, the number, or a road and number written together."""
    q = Q(road__icontains=word) | Q(door_no__istartswith=word)
    for cut in range(1, len(word)):
        q |= Q(road__endswith=word[:cut], door_no__istartswith=word[cut:])
    return q


def door_plate(code: str) -> PublicPlace | None:
    found = StandardAddress.objects.filter(door_plates(), code=code[:20]).first()
    return _public(found) if found else None


def street_names(cases: list[Case]) -> dict[int, str]:
    """Each case's place at street level: the road of its address, else its community (one
    query each for the roads and the communities)."""
    roads = dict(
        StandardAddress.objects.filter(
            pk__in={c.address_id for c in cases if c.address_id}
        ).values_list("pk", "road")
    )
    communities = dict(
        Division.objects.filter(code__in={c.grid_code[:12] for c in cases}).values_list(
            "code", "name"
        )
    )
    return {
        c.pk: roads.get(c.address_id or 0) or communities.get(c.grid_code[:12], "") for c in cases
    }
