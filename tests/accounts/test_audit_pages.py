"""The auditors' page: the access log of the auditor's area, filtered, paged and exported as
xlsx (the export logged too); for auditors and administrators only."""

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.core.access import log_access
from outpost.core.models import AccessLogEntry
from outpost.geo.models import Grid
from tests.conftest import HOME_GRID, OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def auditor(home_grid: Grid) -> Persona:
    """An auditor over the home grid's street."""
    return _persona("auditor_p", Role.AUDITOR, home_grid.community.code[:9] + "000")


def read(person: str, grid: str, actor: Any = None, action: str = "view_person") -> None:
    log_access(
        actor=actor,
        action=action,
        object_type="person",
        object_key=person,
        civil_code=grid,
        police_code="",
    )


def failed(username: str) -> None:
    log_access(
        actor=None,
        actor_name=username,
        action="login_failed",
        object_type="user",
        object_key=username,
    )


def keys(response: Any) -> list[str]:
    """The rows shown, as action:key."""
    rows = response.context["page"].object_list
    return [f"{e.action}:{e.object_key}" for e in rows]


def test_it_shows_an_auditor_the_reads_and_staff_of_their_area(
    auditor: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    read("P-HOME", HOME_GRID)
    read("P-AWAY", OTHER_GRID)
    grid_worker.client.get("/")  # force_login has logged the sign-in already
    failed("worker_p")
    failed("ghost")

    seen = keys(auditor.client.get(reverse("audit:log")))

    assert "view_person:P-HOME" in seen and "view_person:P-AWAY" not in seen
    assert "login:worker_p" in seen and "login_failed:worker_p" in seen
    assert "login:outsider_p" not in seen and "login_failed:ghost" not in seen


def test_it_shows_a_district_administrator_everything(admin: Persona, outsider: Persona) -> None:
    read("P-AWAY", OTHER_GRID)
    failed("ghost")

    seen = keys(admin.client.get(reverse("audit:log")))

    assert {"view_person:P-AWAY", "login_failed:ghost", "login:outsider_p"} <= set(seen)


def test_it_filters_by_user_person_action_and_time(auditor: Persona, officer: Persona) -> None:
    read("P-1", HOME_GRID, officer.user)
    read("P-2", HOME_GRID, officer.user, action="unmask")
    read("P-1", HOME_GRID)
    read("P-3", HOME_GRID, officer.user)
    AccessLogEntry.objects.filter(object_key="P-3").update(
        at=timezone.now() - dt.timedelta(days=40)
    )
    today = timezone.localdate()
    url = reverse("audit:log")

    def shown(**filters: str) -> list[str]:
        return keys(auditor.client.get(url, filters))

    assert shown(person="P-1") == ["view_person:P-1", "view_person:P-1"]
    assert shown(user="officer_p", action="view_person") == ["view_person:P-3", "view_person:P-1"]
    assert shown(action="unmask") == ["unmask:P-2"]
    assert "view_person:P-3" not in shown(since=str(today - dt.timedelta(days=7)))
    assert shown(until=str(today - dt.timedelta(days=30))) == ["view_person:P-3"]


def test_it_pages_the_log(admin: Persona) -> None:
    for i in range(60):
        read(f"P-{i:02d}", HOME_GRID)

    first = admin.client.get(reverse("audit:log"), {"action": "view_person"})
    second = admin.client.get(reverse("audit:log"), {"action": "view_person", "page": 2})

    assert len(keys(first)) == 50 and len(keys(second)) == 10
    assert keys(first)[0] == "view_person:P-59"  # newest first
    assert "action=view_person&amp;page=2" in first.content.decode()


def test_it_exports_the_filtered_rows_and_logs_the_export(auditor: Persona) -> None:
    read("P-1", HOME_GRID)
    read("=HYPERLINK(1)", HOME_GRID)
    read("P-AWAY", OTHER_GRID)

    answer = auditor.client.get(reverse("audit:export"), {"action": "view_person"})

    assert answer.status_code == 200 and answer["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("编号", "时间", "用户", "操作", "对象类型", "对象")
    assert sorted(r[5] for r in rows[1:]) == ["'=HYPERLINK(1)", "P-1"]
    assert {r[3] for r in rows[1:]} == {"查看人员详情"}
    logged = AccessLogEntry.objects.get(action="export", object_type="access_log")
    assert (logged.actor, logged.object_key) == (auditor.user, "action=view_person")


@pytest.mark.parametrize("name", ["audit:log", "audit:export", "audit:break_glass"])
def test_it_refuses_grid_workers_and_sends_strangers_to_sign_in(
    grid_worker: Persona, officer: Persona, anonymous: Client, auditor: Persona, name: str
) -> None:
    assert auditor.client.get(reverse(name)).status_code == 200
    assert grid_worker.client.get(reverse(name)).status_code == 403
    assert officer.client.get(reverse(name)).status_code == 403
    stranger = anonymous.get(reverse(name))
    assert stranger.status_code == 302 and stranger["Location"].startswith(reverse("login"))


def test_it_shows_the_audit_link_to_auditors_only(auditor: Persona, grid_worker: Persona) -> None:
    link = f'href="{reverse("audit:log")}"'
    assert link in auditor.client.get("/").content.decode()
    assert link not in grid_worker.client.get("/").content.decode()
