"""Readable case numbers: district code + date + sequence (320106-20261127-0042)."""

import datetime as dt

from django.utils import timezone

from outpost.cases.models import Case


def next_case_number(district: str, now: dt.datetime) -> str:
    """The next free number for the day. Called inside the reporting transaction; a clash with
    a concurrent report trips the unique constraint and the caller retries."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    prefix = f"{district}-{day}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"
