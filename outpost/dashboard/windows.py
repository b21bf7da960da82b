"""The dashboards' periods: today, the last 7, 30 or 90 days (today included) or a month
(2026-11). A window is a span of local days, the same days the case queue's `since`/`until`
filter selects, and the same span as an assessment period (`assessment.periods`), so a chart,
the list it links to and an indicator's figure all count one set of days."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.assessment import periods
from outpost.cases.filters import day_start

DAYS = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
LABELS: dict[str, Promise] = {
    "today": _("Today"),
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
}
MONTH = re.compile(r"^\d{4}-\d{2}$", re.ASCII)
DEFAULT = "30d"
TREND_DAYS = 30  # the trend line covers at least this many days


class BadWindow(ValueError):
    """The text names no dashboard period."""


@dataclass(frozen=True)
class Window:
    key: str
    first: dt.date
    last: dt.date  # included

    @property
    def starts_at(self) -> dt.datetime:
        return day_start(self.first)

    @property
    def ends_at(self) -> dt.datetime:
        return day_start(self.last + dt.timedelta(days=1))

    @property
    def period(self) -> periods.Period:
        """The same days as an assessment period."""
        return periods.parse(f"{self.first:%Y-%m-%d}_{self.last:%Y-%m-%d}")

    @property
    def queue(self) -> dict[str, str]:
        """The case queue's filter for these days."""
        return {"since": f"{self.first:%Y-%m-%d}", "until": f"{self.last:%Y-%m-%d}"}

    def trend(self) -> "Window":
        """The days of the trend line: the window, widened to the last 30 days before its end."""
        first = min(self.first, self.last - dt.timedelta(days=TREND_DAYS - 1))
        return Window(self.key, first, self.last)

    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=n) for n in range(count)]


def parse(text: str, today: dt.date | None = None) -> Window:
    """The window `text` names (the last 30 days when empty; BadWindow when it names none)."""
    today = today or timezone.localdate()
    text = (text or DEFAULT).strip()
    if text in DAYS:
        return Window(text, today - dt.timedelta(days=DAYS[text] - 1), today)
    if MONTH.match(text):
        try:
            month = periods.parse(text)
        except periods.BadPeriod as error:
            raise BadWindow(text) from error
        if month.start > today:
            raise BadWindow(text)
        return Window(text, month.start, min(month.last_day, today))
    raise BadWindow(text)


def choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """What the picker offers: the day spans, then the last twelve months."""
    months = [m for m in periods.choices(today) if MONTH.match(m)]
    return [(k, str(v)) for k, v in LABELS.items()] + [(m, m) for m in months]
