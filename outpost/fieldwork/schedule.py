"""How often each kind of visit subject is visited (走访频次), as data, and the pure due rule.

Care subjects come from the registry's care tags (关怀标签): a person's interval is the
shortest of their tags'. People living alone aged 70 and over are visited every two weeks, the
other care subjects monthly (优抚对象 quarterly); rented houses quarterly; key organisations
monthly. The due date is the last visit plus the interval; a subject never visited is due now.
"""

import datetime as dt
from functools import cache
from typing import NamedTuple

from django.utils import timezone

from outpost.fieldwork.models import VisitKind

CARE_DAYS: dict[str, int] = {
    "独居老人": 30,
    "空巢老人": 30,
    "残疾人": 30,
    "低保户": 30,
    "特困人员": 30,
    "留守儿童": 30,
    "困境儿童": 30,
    "优抚对象": 90,
}
ALONE_AND_OLD_DAYS = 14  # 独居老人 aged 70 and over
OLD_AGE = 70
RENTAL_DAYS = 91  # quarterly
KEY_UNIT_DAYS = 30  # monthly


def care_interval(tags: str, birth_date: dt.date, today: dt.date) -> int | None:
    """Days between visits for a person with these care tags (None: not a care subject)."""
    days = [CARE_DAYS[t] for t in tags.split(";") if t in CARE_DAYS]
    if not days:
        return None
    if "独居老人" in tags.split(";") and age(birth_date, today) >= OLD_AGE:
        days.append(ALONE_AND_OLD_DAYS)
    return min(days)


def age(birth_date: dt.date, today: dt.date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def interval(kind: str) -> int:
    return {VisitKind.RENTAL: RENTAL_DAYS, VisitKind.KEY_UNIT: KEY_UNIT_DAYS}[VisitKind(kind)]


class Due(NamedTuple):
    """One subject to visit. A tuple (a list of 10k is built in a few milliseconds); the last
    visit is kept as the database sent it and turned into a time only when read (a page shows
    fifty of the list)."""

    kind: str
    key: str  # person_no, house_no or unit_no
    name: str  # what the list shows: a name, an address
    grid_code: str
    every: int  # days
    seen: dt.datetime | float | None  # the last visit: a time, or seconds since 1970 (UTC)
    due: dt.date

    @property
    def last(self) -> dt.datetime | None:
        return moment(self.seen)

    def overdue(self, today: dt.date) -> bool:
        return self.due < today


def moment(value: dt.datetime | float | None) -> dt.datetime | None:
    """A time the database sent as a time, or as seconds since 1970 (UTC)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(value, dt.UTC)


def due_on(
    last: dt.datetime | float | None, every: int, today: dt.date, zone: dt.tzinfo | None = None
) -> dt.date:
    """Last visit's day (local) plus the interval; today for a subject never visited. The last
    visit may come as seconds since 1970 (UTC). A list passes the current time zone once
    (looking it up per row costs a long list a third of its time)."""
    if last is None:
        return today
    zone = zone or timezone.get_current_timezone()
    if isinstance(last, dt.datetime):
        day = last.astimezone(zone).date()
    else:
        day = dt.datetime.fromtimestamp(last, zone).date()
    return day + days(every)


@cache
def days(n: int) -> dt.timedelta:
    """`n` days (made once: making a timedelta costs a long list more than the date sum)."""
    return dt.timedelta(days=n)


class DueDates:
    """`due_on` for the subjects of one long list: the local day of a last visit sent as
    seconds since 1970 (UTC) is worked out from the zone's offset, looked up once per UTC day
    (where the offset is the same at both ends of it), not once per visit."""

    def __init__(self, today: dt.date, zone: dt.tzinfo) -> None:
        self.today, self.zone = today, zone
        self.offsets: dict[int, int | None] = {}  # UTC day → the zone's offset (s), if fixed

    def __call__(self, last: dt.datetime | float | None, every: int) -> dt.date:
        if last is None:
            return self.today
        if isinstance(last, dt.datetime):
            return due_on(last, every, self.today, self.zone)
        day = int(last // 86400)
        if day not in self.offsets:
            self.offsets[day] = self._offset(day)
        offset = self.offsets[day]
        if offset is None:  # the clocks change that day
            return due_on(last, every, self.today, self.zone)
        return dt.date.fromordinal(int((last + offset) // 86400) + EPOCH_DAY + every)

    def _offset(self, day: int) -> int | None:
        start, end = (dt.datetime.fromtimestamp(day * 86400 + s, self.zone) for s in (0, 86399))
        offset = start.utcoffset()
        return int(offset.total_seconds()) if offset and offset == end.utcoffset() else None


EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


class CareIntervals:
    """`care_interval` for the people of one long list: worked out once per set of tags (and
    birth date, for the tags that depend on age), not once per person."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.known: dict[tuple[str, dt.date | None], int | None] = {}

    def __call__(self, tags: str, birth_date: dt.date) -> int | None:
        key = (tags, birth_date if "独居老人" in tags else None)
        if key not in self.known:
            self.known[key] = care_interval(tags, birth_date, self.today)
        return self.known[key]
