"""Readable case numbers: district code + date + sequence (320106-20261127-0042)."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from outpost.cases.models import Case

# Concurrent reports in one district read the same last number; all but one then try again.
NUMBER_ATTEMPTS = 20


def create_numbered(district: str, now: dt.datetime, **fields: Any) -> Case:
    """Create a case under the day's next free number. A concurrent report that took the same
    number first trips the unique constraint: the insert is undone (a savepoint, the caller's
    transaction goes on) and tried again with the number after it."""
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Case.objects.create(number=next_case_number(district, now), **fields)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def case_number(district: str, day: str, sequence: int) -> str:
    """The number of a day's `sequence`-th case in a district (`day` as from `day_of`)."""
    return f"{district}-{day}-{sequence:04d}"


def day_of(moment: dt.datetime) -> str:
    """The local day a case is numbered under."""
    return timezone.localtime(moment).strftime("%Y%m%d")


def next_case_number(district: str, now: dt.datetime) -> str:
    """The next free number for the day. Called inside the reporting transaction; a clash with
    a concurrent report trips the unique constraint and the caller retries."""
    prefix = case_number(district, day_of(now), 0)[:-4]
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return case_number(district, day_of(now), sequence)
