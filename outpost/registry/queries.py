"""Scoped reads of the registry. Every function starts from `restrict`."""

import re
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.registry.models import (
    House,
    HouseUse,
    Organisation,
    Person,
    StandardAddress,
    VerificationState,
)
from outpost.registry.validators import FieldProblem

SEEN = "view_registry"
# The last digits one may search by: no more than the mask shows (README, "Privacy"), or the
# search would reveal what the mask hides.
DIGITS = re.compile(r"[0-9Xx]{1,2}")


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
    return people_for(user).filter(address=room).order_by(ExtractYear("birth_date"), "person_no")


def rooms_of(user: User, building: StandardAddress) -> list[tuple[StandardAddress, int]]:
    counts = dict(
        people_for(user)
        .filter(address__parent=building)
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


def verification_queue(user: User) -> QuerySet[Person]:
    """Pending people the user may verify, oldest first."""
    return (
        restrict(Person.objects.all(), user, "verify")
        .filter(state=VerificationState.PENDING)
        .select_related("address", "collected_by")
        .order_by("updated_at")
    )
