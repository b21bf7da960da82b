"""The demo's outpost stations: staff from the roles, the hours the README gives, a rota around
today and window visits, made fast and the same on every run."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from outpost.accounts.demo import create_demo_accounts, create_staff_roster
from outpost.accounts.models import User
from outpost.geo.models import OutpostStation
from outpost.stations import queries, services
from outpost.stations.demo import create_demo_stations
from outpost.stations.models import DutyShift, StationStaff, WindowEntry

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        WindowEntry.objects.order_by("station_id", "at", "visitor_name").values_list(
            "station__community__code", "at", "visitor_name", "visitor_phone_masked", "kind"
        )
    )


def test_it_gives_every_station_its_days(db: None) -> None:
    create_staff_roster()
    create_demo_accounts()
    started = time.monotonic()
    made = create_demo_stations()
    assert time.monotonic() - started < 20
    assert made["stations"] == OutpostStation.objects.count() and made["visits"] > 0
    worker = User.objects.get(username="gridworker")
    grid = worker.assignments.get().scope_code
    station = OutpostStation.objects.get(community__code=grid[:12])
    # The demo's staff are exactly those the roles give (the same rule as the manager's button).
    expected = {(u.pk, post) for u, post in services.default_staff(station)}
    assert set(StationStaff.objects.filter(station=station).values_list("user", "post")) == expected
    monday = [(s.opens, s.closes) for s in queries.spans_of(station) if s.weekday == 0]
    assert monday == [(dt.time(8, 30), dt.time(12)), (dt.time(14), dt.time(17, 30))]
    today = timezone.localdate()
    days = DutyShift.objects.filter(station=station).values_list("day", flat=True)
    assert min(days) >= today - dt.timedelta(days=30) and max(days) < today + dt.timedelta(days=14)
    assert max(days) > today + dt.timedelta(days=7)
    assert not WindowEntry.objects.filter(at__gt=timezone.now()).exists()
    first = _snapshot()
    assert create_demo_stations()["stations"] == 0  # a second run adds nothing
    WindowEntry.objects.all().delete()
    DutyShift.objects.all().delete()
    StationStaff.objects.all().delete()
    create_demo_stations()
    assert _snapshot() == first  # seeded: the same visits again
