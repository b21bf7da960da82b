"""The one range of dates and numbers the product accepts at its edge (API schemas, forms, query
parameters). Values outside it are refused with a clear error instead of overflowing later: a
date near year 9999 overflows when converted to local time or moved by a day, and an offset or
cursor beyond 64 bits overflows the database's integer on both SQLite and PostgreSQL."""

import datetime as dt
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

# Birth dates of the oldest residents to deadlines and permits decades ahead.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
# Offsets, page numbers and other counts a caller sends: the largest 32-bit integer, far above
# any row count and within every database's integer column.
MAX_COUNT = 2**31 - 1
# Ids and cursor positions: the largest BigAutoField value.
MAX_ID = 2**63 - 1

OUT_OF_RANGE = _("The date must lie between %(first)s and %(last)s")


def _range_error() -> ValidationError:
    return ValidationError(
        OUT_OF_RANGE, code="out_of_range", params={"first": FIRST_DAY, "last": LAST_DAY}
    )


def check_day(day: dt.date) -> dt.date:
    """The date itself, or a ValidationError when it lies outside the accepted range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _range_error()
    return day


def check_moment(moment: dt.datetime) -> dt.datetime:
    """The same for a date and time, judged by its local date."""
    try:
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    except OverflowError:  # the local time would fall before year 1 or after 9999
        raise _range_error() from None
    check_day(local.date())
    return moment


def _pydantic(check: Any) -> Any:
    """A check that pydantic reports as a 422 of the field (it expects a ValueError)."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except ValidationError:
            raise ValueError(
                f"must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
            ) from None

    return AfterValidator(validate)


# Schema types for ninja: a date or date-time inside the accepted range.
Day = Annotated[dt.date, _pydantic(check_day)]
Moment = Annotated[dt.datetime, _pydantic(check_moment)]


class DayField(forms.DateField):
    """A form date inside the accepted range."""

    # Django ignores what a validator returns; the stub wants a function returning None.
    default_validators = [check_day]  # type: ignore[list-item]


class MomentField(forms.DateTimeField):
    """A form date-time inside the accepted range."""

    default_validators = [check_moment]  # type: ignore[list-item]  # as DayField
