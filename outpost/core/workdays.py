"""Working time on the Chinese calendar (法定节假日 and 调休 make-up days, from chinese-calendar).

Limits are written "Nh" (N clock hours: urgent matters do not wait for Monday) or "Nd" (until the
end of the Nth working day after the start). Years the calendar does not know yet fall back to
Monday–Friday, which is what the State Council notice usually confirms late in the year before.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import chinese_calendar

LOCAL = ZoneInfo("Asia/Shanghai")
DAY_ENDS = dt.time(17, 30)
LIMIT = re.compile(r"^(\d{1,3})([hd])$")


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def nth_workday_after(day: dt.date, n: int) -> dt.date:
    found = 0
    while found < n:
        day += dt.timedelta(days=1)
        found += is_workday(day)
    return day


def deadline(start: dt.datetime, limit: str) -> dt.datetime:
    """When a clock started at `start` with this limit runs out."""
    match = LIMIT.match(limit)
    if match is None:
        raise ValueError(f"a limit looks like 24h or 3d, not {limit!r}")
    amount, unit = int(match[1]), match[2]
    if unit == "h":
        return start + dt.timedelta(hours=amount)
    local = start.astimezone(LOCAL)
    return dt.datetime.combine(nth_workday_after(local.date(), amount), DAY_ENDS, tzinfo=LOCAL)
