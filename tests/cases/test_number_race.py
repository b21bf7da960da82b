"""Two reports in one district at the same moment: both are filed, under consecutive numbers.

The second reporter reads the day's last number while the first one's case is written but not
yet committed, so both want the same number; the second must get the next one, not an error.
A real race needs two connections with their own transactions: PostgreSQL only (SQLite writes
one at a time, so the clash cannot happen there)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case


@pytest.mark.usefixtures("district_reloaded")
def test_it_files_two_simultaneous_reports_in_one_district_under_consecutive_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the clash needs concurrent transactions (PostgreSQL)")
    grid = Grid.objects.order_by("code").first()
    assert grid is not None
    worker = User.objects.create_user("race_gw", password="x")
    grant_role(worker, Role.GRID_WORKER, grid.code, actor=None)
    first_written, second_started = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                numbers["first"] = file_case(grid, worker).number
                first_written.set()
                second_started.wait(10)
                time.sleep(0.5)  # the second's insert now waits on this uncommitted number
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            first_written.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_written.wait(10)
            second_started.set()
            numbers["second"] = file_case(grid, worker).number
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    head, last = numbers["first"].rsplit("-", 1)
    assert numbers["second"] == f"{head}-{int(last) + 1:04d}"
    assert Case.objects.filter(number__in=numbers.values()).count() == 2
