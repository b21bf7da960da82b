"""Readable case numbers: district code + date + sequence (320106-20261127-0042)."""

import datetime as dt

from django.utils import timezone

from outpost.cases.models import Case


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
