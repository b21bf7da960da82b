"""Scoped reads of the registry. Every function starts from `restrict`."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.registry.edits import KEYS, kind_of, pending_edits
from outpost.registry.models import (
    House,
    HouseUse,
    Organisation,
    Person,
    PersonStatus,
    RecordEdit,
    StandardAddress,
    VerificationState,
)
from outpost.registry.validators import FieldProblem

SEEN = "view_registry"
# The last digits one may search by: no more than the mask shows (README, "Privacy"), or the
# search would reveal what the mask hides.
DIGITS = re.compile(r"[0-9Xx]{1,2}")
QUEUE_MAX = 200  # per kind: the queue is worked from its oldest end


def may_see(user: User) -> bool:
    """Whether the user holds any role that reads the registry (reporters hold none)."""
    return not scope_for(user, SEEN).empty


def people_for(user: User, action: str = SEEN) -> QuerySet[Person]:
    return restrict(Person.objects.all(), user, action).select_related("address")


def addresses_for(user: User) -> QuerySet[StandardAddress]:
    return restrict(StandardAddress.objects.all(), user, SEEN)


def houses_for(user: User, action: str = SEEN) -> QuerySet[House]:
    return restrict(House.objects.all(), user, action).select_related("address", "owner")


def organisations_for(user: User, action: str = SEEN) -> QuerySet[Organisation]:
    return restrict(Organisation.objects.all(), user, action).select_related("address")


def search_people(user: User, q: str, action: str = SEEN) -> QuerySet[Person]:
    """Name, the last 1 or 2 characters of an ID number, a whole ID or phone number (by keyed hash),
    or words of the address."""
    people = people_for(user, action)
    q = q.strip()
    if not q:
        return people
    exact = _exact_number(q)
    if exact is not None:
        return people.filter(exact)
    if DIGITS.fullmatch(q):
        return people.filter(id_tail__endswith=q.upper())
    return people.filter(Q(name__contains=q) | Q(address__full_text__contains=q))


def is_exact_number(q: str) -> bool:
    """Whether `q` is a whole ID or phone number (searched by keyed hash, an exact lookup)."""
    return _exact_number(q.strip()) is not None


def person_anywhere(id_number: str) -> Person | None:
    """The person with this exact ID number, wherever they live: NOT scoped. Only for
    break-the-glass, which opens the record through a logged, time-limited grant; everything
    else reads through `people_for`."""
    try:
        return Person.objects.by_id_number(id_number).first()
    except FieldProblem:
        return None


def _exact_number(q: str) -> Q | None:
    try:
        return Person.id_number.q(q)
    except FieldProblem:
        pass
    if len(re.sub(r"\D", "", q)) >= 7:
        try:
            return Person.phone.q(q)
        except FieldProblem:
            return None
    return None


def household(user: User, room: StandardAddress) -> QuerySet[Person]:
    # By birth year, not date: the order would tell the dates of people born the same year apart.
    people = people_for(user).filter(address=room, status=PersonStatus.CURRENT)
    return people.order_by(ExtractYear("birth_date"), "person_no")


def rooms_of(user: User, building: StandardAddress) -> list[tuple[StandardAddress, int]]:
    counts = dict(
        people_for(user)
        .filter(address__parent=building, status=PersonStatus.CURRENT)
        .values_list("address")
        .annotate(n=Count("id"))
        .values_list("address", "n")
    )
    rooms = addresses_for(user).filter(parent=building).order_by("unit", "floor", "room")
    return [(room, counts.get(room.pk, 0)) for room in rooms]


def grid_counts(user: User) -> list[dict[str, Any]]:
    """Per grid: people (and floating), pending and returned records, rentals not filed."""
    people = (
        people_for(user)
        .filter(status=PersonStatus.CURRENT)
        .values("grid_code")
        .annotate(
            people=Count("id"),
            floating=Count("id", filter=Q(pop_type="流动人口")),
            pending=Count("id", filter=Q(state=VerificationState.PENDING)),
            returned=Count("id", filter=Q(state=VerificationState.RETURNED)),
        )
    )
    houses = dict(
        houses_for(user)
        .filter(use=HouseUse.RENTED, rental_filing_no="")
        .values_list("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
    )
    rows = {r["grid_code"]: {**r, "unfiled_rentals": houses.get(r["grid_code"], 0)} for r in people}
    return [rows[code] for code in sorted(rows)]


@dataclass(frozen=True)
class QueueItem:
    record: Any
    kind: str
    edit: RecordEdit | None

    @property
    def key(self) -> str:
        return str(getattr(self.record, KEYS[self.kind]))


def verification_queue(user: User) -> list[QueueItem]:
    """Pending people, houses and organisations the user may verify, oldest first, each with
    its pending edit (the fields before and after) where a collector made one."""
    pending = [
        restrict(model.objects.all(), user, "verify")
        .filter(state=VerificationState.PENDING)
        .select_related("address", "collected_by")
        .order_by("updated_at")[:QUEUE_MAX]
        for model in (Person, House, Organisation)
    ]
    records = [r for rows in pending for r in rows]
    ids: dict[str, list[int]] = {}
    for record in records:
        ids.setdefault(kind_of(record), []).append(record.pk)
    edits = pending_edits(user, ids)
    items = [QueueItem(r, kind_of(r), edits.get((kind_of(r), r.pk))) for r in records]
    return sorted(items, key=lambda item: item.record.updated_at)


def current_only(people: QuerySet[Person], include_left: bool) -> QuerySet[Person]:
    """Current residents, or (with the filter) also those deregistered (注销)."""
    return people if include_left else people.filter(status=PersonStatus.CURRENT)


def rooms_matching(user: User, q: str, level: str | None = "room") -> QuerySet[StandardAddress]:
    """Standard addresses of the user's area whose text holds every word of `q` (no codes)."""
    found = addresses_for(user)
    if level:
        found = found.filter(level=level)
    words = q.split()
    if not words:
        return found.none()
    for word in words[:5]:
        found = found.filter(full_text__contains=word)
    return found.order_by("full_text")[:20]
