"""Searches for people as the access log sees them (访问日志).

Every request that lists or searches people (the people page, the API, the export) writes one
access-log row: what was searched, masked, and how many people came back. A search by a whole ID
or phone number is an exact lookup: counted per user and refused (429) past
OUTPOST_NUMBER_LOOKUPS per OUTPOST_NUMBER_LOOKUP_WINDOW seconds, so nobody can walk through
numbers to learn which exist; it answers inside the user's area only, an outsider's number
exactly as one nobody has."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from outpost.accounts.models import User
from outpost.core.access import log_access
from outpost.core.masking import mask_id_number, mask_phone
from outpost.core.ratelimit import hit
from outpost.registry import queries
from outpost.registry.models import Person
from outpost.registry.validators import FieldProblem, normalize_phone, parse_id_number

LONG_DIGITS = re.compile(r"[0-9Xx]{7,}")


class TooManyLookups(Exception):
    """Too many exact-number lookups by one user in the window."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait  # seconds until the next window


@dataclass(frozen=True)
class Search:
    people: QuerySet[Person]
    exact: bool  # by a whole ID or phone number
    logged_as: str  # the search as it may stand in the log


def search(user: User, q: str, action: str = queries.SEEN) -> Search:
    """The people `user` finds with `q` (scoped as `queries.search_people`); raises
    TooManyLookups before searching when an exact lookup is over the user's limit."""
    exact = queries.is_exact_number(q)
    if exact:
        count_exact_lookup(user)
    return Search(queries.search_people(user, q, action), exact, loggable(q))


def count_exact_lookup(user: User) -> None:
    """One more lookup by a whole ID or phone number, wherever it is made (a search, a case's
    parties); TooManyLookups past the user's limit."""
    wait = hit(
        f"number_lookup:{user.pk}",
        limit=settings.OUTPOST_NUMBER_LOOKUPS,
        seconds=settings.OUTPOST_NUMBER_LOOKUP_WINDOW,
    )
    if wait:
        raise TooManyLookups(wait)


def log_exact_lookup(user: User, surface: str, number: str, rows: int) -> None:
    """The log row of one exact lookup made outside a search (e.g. naming a case's party)."""
    log_access(
        actor=user,
        action="number_lookup",
        object_type=surface,
        object_key=loggable(number),
        purpose=f"rows={rows}",
    )


def log_read(user: User, surface: str, rows: int, found: Search | None = None) -> None:
    """One row per request that lists people: the masked search (if any) and how many people
    it returned."""
    log_access(
        actor=user,
        action="number_lookup" if found and found.exact else "list_people",
        object_type=surface,
        object_key=found.logged_as if found else "",
        purpose=f"rows={rows}",
    )


def loggable(q: str) -> str:
    """The search as it may stand in the log: an ID or phone number only masked, and any other
    long run of digits cut to its ends."""
    q = q.strip()
    try:
        return mask_id_number(parse_id_number(q).value)
    except FieldProblem:
        pass
    try:
        return mask_phone(normalize_phone(q))
    except FieldProblem:
        pass
    return LONG_DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], q)[:64]


def too_many(request: HttpRequest, refused: TooManyLookups) -> HttpResponse:
    """The page's answer past the limit, in the page's language."""
    response = render(request, "registry/too_many_lookups.html", status=429)
    response["Retry-After"] = str(refused.wait)
    return response
