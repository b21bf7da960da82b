"""The query parameters of OGC API – Features Part 1 Core, read and checked.

Every operation accepts only the parameters its API definition (`openapi.py`) lists; anything
else, and any value that cannot be read, is an `OgcError` answered with 400
(/req/core/query-param-unknown, /req/core/query-param-invalid)."""

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000  # a larger limit is clamped to this (/req/core/fc-limit-response-1)
MAX_OFFSET = 10_000_000
FORMATS = ("json",)  # the value of `f`: JSON (GeoJSON for features) is the only encoding
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84H = "http://www.opengis.net/def/crs/OGC/0/CRS84h"
# RFC 3339 date-time: a date, T (or t, or a space), a time and an offset (Z or ±hh:mm).
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OgcError(Exception):
    """An answer other than success: the HTTP status, an exception code and a description."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def bad(name: str, why: str) -> OgcError:
    return OgcError(400, "InvalidParameterValue", f"{name}: {why}")


@dataclass(frozen=True)
class Box:
    """A bounding box in CRS84 (longitude, latitude). `west > east` crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    def parts(self) -> list[tuple[float, float, float, float]]:
        """One box, or two when it crosses the antimeridian."""
        if self.west <= self.east:
            return [(self.west, self.south, self.east, self.north)]
        return [
            (self.west, self.south, 180.0, self.north),
            (-180.0, self.south, self.east, self.north),
        ]


@dataclass(frozen=True)
class Period:
    """A closed or half-open time range; None is unbounded on that side. An instant is a range
    whose end is its start (`exact`) or, for a time without fractions of a second, that second."""

    start: dt.datetime | None
    end: dt.datetime | None  # inclusive
    instant: bool = False


@dataclass(frozen=True)
class ItemsQuery:
    limit: int
    offset: int
    bbox: Box | None
    period: Period | None


def check_known(query: QueryDict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise OgcError(
            400,
            "InvalidParameterValue",
            f"unknown query parameter: {', '.join(unknown)[:200]}",
        )


def check_format(query: QueryDict) -> None:
    value = query.get("f")
    if value is not None and value not in FORMATS:
        raise bad("f", f"only {', '.join(FORMATS)} is offered")


def items_query(query: QueryDict) -> ItemsQuery:
    return ItemsQuery(
        limit=min(_integer(query, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT),
        offset=min(_integer(query, "offset", 0, 0), MAX_OFFSET),
        bbox=bbox(query),
        period=period(query.get("datetime")),
    )


def _integer(query: QueryDict, name: str, default: int, least: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,12}", raw.strip()):
        raise bad(name, "must be a whole number")
    value = int(raw)
    if value < least:
        raise bad(name, f"must be at least {least}")
    return value


def bbox(query: QueryDict) -> Box | None:
    raw = query.get("bbox")
    crs = query.get("bbox-crs")
    if raw is None:
        if crs is not None:
            raise bad("bbox-crs", "only with bbox")
        return None
    numbers = _numbers(raw)
    if len(numbers) == 6:  # minimum and maximum height are not used: features have none
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    elif len(numbers) != 4:
        raise bad("bbox", "four or six comma-separated numbers")
    if crs is not None and crs not in (CRS84, CRS84H):
        raise bad("bbox-crs", f"only {CRS84}")
    west, south, east, north = numbers
    if not all(-180 <= x <= 180 for x in (west, east)) or not all(
        -90 <= y <= 90 for y in (south, north)
    ):
        raise bad("bbox", "longitudes within ±180 and latitudes within ±90")
    if south > north:
        raise bad("bbox", "the lower corner's latitude lies above the upper corner's")
    return Box(west, south, east, north)


def _numbers(raw: str) -> list[float]:
    try:
        numbers = [float(part) for part in raw.split(",")]
    except ValueError:
        raise bad("bbox", "four or six comma-separated numbers") from None
    if not all(math.isfinite(n) for n in numbers):
        raise bad("bbox", "numbers must be finite")
    return numbers


def period(raw: str | None) -> Period | None:
    """An instant or an interval (a/b, ../b, a/.., /b, a/) by /req/core/fc-time-definition."""
    if raw is None:
        return None
    if "/" not in raw:
        return _instant(raw)
    first, _slash, second = raw.partition("/")
    start = None if first in ("", "..") else _moment(first, end=False)
    end = None if second in ("", "..") else _moment(second, end=True)
    if start is None and end is None:
        raise bad("datetime", "an interval needs at least one end")
    if start and end and start > end:
        raise bad("datetime", "the interval ends before it starts")
    return Period(start, end)


def _instant(raw: str) -> Period:
    start = _moment(raw, end=False)
    end = _moment(raw, end=True)
    return Period(start, end, instant=True)


def _moment(raw: str, *, end: bool) -> dt.datetime:
    """A date-time (RFC 3339, with its offset), or a date meaning that whole day in the district's
    time zone. At the end of a range a time without fractions covers its whole second."""
    try:
        moment = _read_moment(raw, end=end)
        timezone.localtime(moment).astimezone(dt.UTC)  # both must exist: compared in either
    except OverflowError:
        raise bad("datetime", "out of range") from None
    return moment


def _read_moment(raw: str, *, end: bool) -> dt.datetime:
    if _DATE.match(raw):
        day = _parsed(parse_date, raw)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        return moment + dt.timedelta(days=1, microseconds=-1) if end else moment
    if not _DATE_TIME.match(raw):
        raise bad("datetime", "an RFC 3339 date-time with its offset, a date, or an interval")
    moment = _parsed(parse_datetime, raw.replace("t", "T").replace("z", "Z"))
    if end and "." not in raw:
        moment += dt.timedelta(seconds=1, microseconds=-1)
    return moment


def _parsed(parser: object, raw: str) -> dt.datetime:
    try:
        value = parser(raw)  # type: ignore[operator]
    except ValueError:
        value = None
    if value is None:
        raise bad("datetime", "not a valid date or time")
    return value
