"""The patrol API for the phone: start, check in with photos, report a finding, end; each
operation as the walker, as someone who sees the patrol but does not walk it (403) and as an
outsider (404)."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outpost.cases.models import Case
from outpost.fieldwork.models import CheckIn, Patrol, PatrolPlan
from outpost.geo.models import Grid
from tests.cases.photos import phone_photo
from tests.conftest import Persona
from tests.fieldwork.conftest import point_in, point_outside

pytestmark = pytest.mark.django_db
API = "/api/v1/fieldwork"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_walks_a_patrol_on_the_phone(
    grid_worker: Persona, home_grid: Grid, plan: PatrolPlan
) -> None:
    started = post(grid_worker.client, f"{API}/patrols", {"grid": home_grid.code, "plan": plan.pk})
    assert started.status_code == 201, started.content
    pk = started.json()["id"]
    where, away = point_in(home_grid), point_outside()
    photo = SimpleUploadedFile("p.jpg", phone_photo(), "image/jpeg")
    inside = grid_worker.client.post(
        f"{API}/patrols/{pk}/checkins", {"lon": where.x, "lat": where.y, "photos": [photo]}
    )
    outside = grid_worker.client.post(
        f"{API}/patrols/{pk}/checkins", {"lon": away.x, "lat": away.y}
    )
    assert inside.status_code == 201 and inside.json()["inside"] and inside.json()["photos"] == 1
    assert outside.status_code == 201 and not outside.json()["inside"]
    found = post(
        grid_worker.client,
        f"{API}/patrols/{pk}/cases",
        {"subtype": "0101", "title": "楼道堆物", "checkin": inside.json()["id"]},
    )
    assert found.status_code == 201, found.content
    assert Case.objects.get(number=found.json()["number"]).attachments.count() == 1
    ended = grid_worker.client.post(f"{API}/patrols/{pk}/end")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert [c["inside"] for c in ended.json()["checkins"]] == [True, False]
    assert ended.json()["cases"] == [found.json()["number"]]


def test_it_refuses_a_check_in_without_a_position(patrol: Patrol, grid_worker: Persona) -> None:
    answer = grid_worker.client.post(f"{API}/patrols/{patrol.pk}/checkins", {"note": "x"})
    assert answer.status_code == 422
    assert not CheckIn.objects.exists()


def test_it_answers_403_to_who_sees_the_patrol_and_404_to_an_outsider(
    patrol: Patrol, officer: Persona, outsider: Persona, commander: Persona
) -> None:
    url = f"{API}/patrols/{patrol.pk}"
    assert officer.client.get(url).status_code == 200
    assert outsider.client.get(url).status_code == 404
    for persona in (officer, commander):
        assert persona.client.post(f"{url}/end").status_code == 403
        answer = persona.client.post(f"{url}/checkins", {"lon": 118.7, "lat": 32.0})
        assert answer.status_code == 403
    assert outsider.client.post(f"{url}/end").status_code == 404
    assert Patrol.objects.get(pk=patrol.pk).ended_at is None


def test_it_lets_dispatchers_plan_and_refuses_workers(
    commander: Persona, grid_worker: Persona, outsider: Persona, home_grid: Grid
) -> None:
    body = {
        "grid": home_grid.code,
        "name": "夜间巡查",
        "per_week": 2,
        "workers": [grid_worker.user.username],
    }
    created = post(commander.client, f"{API}/plans", body)
    assert created.status_code == 201, created.content
    assert created.json()["workers"] == [grid_worker.user.username]
    assert post(grid_worker.client, f"{API}/plans", body).status_code == 403
    assert post(outsider.client, f"{API}/plans", body).status_code == 404
    listed = grid_worker.client.get(f"{API}/plans").json()
    assert [p["name"] for p in listed] == ["夜间巡查"]
    assert outsider.client.get(f"{API}/plans").json() == []


def test_it_starts_patrols_only_where_the_user_walks(
    commander: Persona, outsider: Persona, home_grid: Grid
) -> None:
    body = {"grid": home_grid.code}
    assert post(commander.client, f"{API}/patrols", body).status_code == 403
    assert post(outsider.client, f"{API}/patrols", body).status_code == 404


def test_it_reports_coverage_in_the_users_area(
    patrol: Patrol, grid_worker: Persona, commander: Persona, home_grid: Grid
) -> None:
    where = point_in(home_grid)
    grid_worker.client.post(f"{API}/patrols/{patrol.pk}/checkins", {"lon": where.x, "lat": where.y})
    grid_worker.client.post(f"{API}/patrols/{patrol.pk}/end")
    rows = commander.client.get(f"{API}/coverage?days=7").json()
    assert [(r["worker"], r["planned"], r["done"]) for r in rows] == [
        ("", 3, 1),
        (str(grid_worker.user), 3, 1),
    ]
