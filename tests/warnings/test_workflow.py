"""Sign-off (签收) and close through the pages and the API: who may, the race (409), scope, and
what a warning tells someone who may not see a police-only case's details."""

import json

import pytest
from django.test import Client

from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from outpost.registry.models import Person
from outpost.warnings.models import EarlyWarning
from outpost.warnings.queries import evidence_of
from outpost.warnings.scan import scan
from tests.conftest import OTHER_GRID, Persona
from tests.warnings.conftest import (
    NOW,
    days_ago,
    make_address,
    make_case,
    make_person,
    red_card,
)

pytestmark = pytest.mark.django_db
SECRET = "线人举报某处藏毒"


def _warning(grid: Grid, **fields: object) -> EarlyWarning:
    make_case(grid, days_ago(3), rework_count=2, **fields)
    scan(NOW)
    return EarlyWarning.objects.get(rule="reworked_case")


def _post(client: Client, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    answer = client.post(path, json.dumps(body), content_type="application/json")
    return answer.status_code, answer.json()


def test_it_signs_off_and_closes_with_what_was_done(home_grid: Grid, grid_worker: Persona) -> None:
    warning = _warning(home_grid)
    client = grid_worker.client
    page = client.get(f"/warnings/{warning.pk}/")
    assert page.status_code == 200 and "sign-off-form" in page.content.decode()
    client.post(f"/warnings/{warning.pk}/sign-off/", {"version": warning.version})
    warning.refresh_from_db()
    assert warning.state == "signed" and warning.signed_by == grid_worker.user
    refused = client.post(f"/warnings/{warning.pk}/close/", {"version": 1, "note": "  "})
    assert refused.status_code == 200
    warning.refresh_from_db()
    assert warning.state == "signed"
    client.post(f"/warnings/{warning.pk}/close/", {"version": 1, "note": "已约谈承办人，限期办结"})
    warning.refresh_from_db()
    assert warning.state == "closed" and warning.close_note == "已约谈承办人，限期办结"
    actions = set(
        ChangeRecord.objects.filter(object_type="warning", object_key=str(warning.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"warning_raised", "warning_signed_off", "warning_closed"}


def test_it_answers_409_to_the_second_of_two_sign_offs(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    warning = _warning(home_grid)
    path = f"/api/v1/warnings/{warning.pk}/sign-off"
    status, body = _post(grid_worker.client, path, {"version": 0})
    assert status == 200 and body["state"] == "signed"
    status, _body = _post(commander.client, path, {"version": 0})
    assert status == 409
    warning.refresh_from_db()
    assert warning.signed_by == grid_worker.user


def test_it_refuses_a_close_without_sign_off_as_a_conflict(
    home_grid: Grid, grid_worker: Persona
) -> None:
    warning = _warning(home_grid)
    status, _body = _post(
        grid_worker.client, f"/api/v1/warnings/{warning.pk}/close", {"version": 0, "note": "x"}
    )
    assert status == 409


def test_it_hides_a_warning_outside_the_area_and_refuses_who_only_reads(
    home_grid: Grid, outsider: Persona, admin: Persona, officer: Persona, grid_worker: Persona
) -> None:
    warning = _warning(home_grid)  # assigned to the home grid
    assert outsider.client.get(f"/warnings/{warning.pk}/").status_code == 404
    assert outsider.client.get(f"/api/v1/warnings/{warning.pk}").status_code == 404
    assert warning.pk not in [w["id"] for w in outsider.client.get("/api/v1/warnings").json()]
    for reader in (admin, officer):  # they see it, but the grid is not their unit
        assert reader.client.get(f"/warnings/{warning.pk}/").status_code == 200
        status, _ = _post(reader.client, f"/api/v1/warnings/{warning.pk}/sign-off", {"version": 0})
        assert status == 403
    status, _ = _post(grid_worker.client, f"/api/v1/warnings/{warning.pk}/sign-off", {"version": 0})
    assert status == 200


def test_it_tells_the_assigned_unit(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    warning = _warning(home_grid)
    told = Notification.objects.filter(subject_kind="warning", subject_id=warning.pk)
    assert set(told.values_list("user_id", flat=True)) == {grid_worker.user.pk}


def test_it_never_shows_a_police_only_title_to_a_civil_reader(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    warning = _warning(home_grid, title=SECRET, sensitivity="police")
    for path in (
        f"/warnings/{warning.pk}/",
        "/warnings/",
        f"/warnings/reminder/grid/{home_grid.code}/",
        f"/api/v1/warnings/{warning.pk}",
        "/api/v1/warnings",
        "/api/v1/warnings/map",
        "/inbox/",
        "/api/v1/inbox",
    ):
        answer = grid_worker.client.get(path)
        assert answer.status_code == 200, path
        assert SECRET not in answer.content.decode(), path
    assert SECRET in officer.client.get(f"/warnings/{warning.pk}/").content.decode()


def test_it_shows_markup_in_the_close_note_as_text(home_grid: Grid, grid_worker: Persona) -> None:
    warning = _warning(home_grid)
    note = '<script>alert(1)</script><img src=x onerror="alert(2)">' + "处" * 1900
    client = grid_worker.client
    client.post(f"/warnings/{warning.pk}/sign-off/", {"version": 0})
    client.post(f"/warnings/{warning.pk}/close/", {"version": 1, "note": note})
    warning.refresh_from_db()
    assert warning.close_note == note
    page = client.get(f"/warnings/{warning.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert client.get(f"/api/v1/warnings/{warning.pk}").json()["close_note"] == note


def test_it_prints_a_units_open_warnings_with_a_signature_line(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    warning = _warning(home_grid)
    page = grid_worker.client.get(f"/warnings/reminder/grid/{home_grid.code}/")
    text = page.content.decode()
    assert f'data-id="{warning.pk}"' in text and "signature" in text
    assert outsider.client.get(f"/warnings/reminder/grid/{home_grid.code}/").status_code == 404


def test_it_puts_open_warnings_on_the_map_for_who_sees_them(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    here = make_address(home_grid, "m1")
    for d in (1, 2, 3):
        make_case(home_grid, days_ago(d), address=here)
    scan(NOW)
    warning = EarlyWarning.objects.get(rule="recurring_dispute")
    page = grid_worker.client.get("/areas/map/").content.decode()
    assert "data-warnings-url" in page and "map-warnings.js" in page
    points = grid_worker.client.get("/api/v1/warnings/map").json()
    assert [(p["id"], p["lon"], p["lat"]) for p in points] == [(warning.pk, 118.77, 32.06)]
    assert outsider.client.get("/api/v1/warnings/map").json() == []


def test_it_keeps_a_police_only_warning_off_a_civil_readers_map(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    here = make_address(home_grid, "m2")
    for d in (1, 2, 3):
        make_case(home_grid, days_ago(d), address=here, sensitivity="police")
    scan(NOW)
    assert grid_worker.client.get("/api/v1/warnings/map").json() == []
    assert len(officer.client.get("/api/v1/warnings/map").json()) == 1


def test_it_names_evidence_outside_the_readers_area_only_by_its_kind(
    home_grid: Grid, grid_worker: Persona, admin: Persona
) -> None:
    other = Grid.objects.get(code=OTHER_GRID)
    party = make_person(home_grid, "e1", name="张某某")
    far = [make_case(other, days_ago(d), title=f"外区纠纷{d}") for d in (5, 6)]
    near = make_case(home_grid, days_ago(1), title="本网格纠纷")
    for case in (*far, near):
        case.parties.add(party)
    scan(NOW)
    warning = EarlyWarning.objects.get(rule="recurring_dispute")
    assert warning.grid_code == home_grid.code  # placed at the newest
    page = grid_worker.client.get(f"/warnings/{warning.pk}/").content.decode()
    assert "本网格纠纷" in page and near.number in page
    for case in far:
        assert case.title not in page and case.number not in page
    assert page.count('data-kind="case"') == 3
    assert "张某某" not in page  # the party is the subject, never named by the warning
    whole = admin.client.get(f"/api/v1/warnings/{warning.pk}").json()["evidence"]
    assert {e["label"].split()[0] for e in whole} == {c.number for c in (*far, near)}


def test_it_filters_the_list_by_rule_state_and_unit(home_grid: Grid, commander: Persona) -> None:
    reworked = _warning(home_grid)
    red_card(make_case(home_grid, days_ago(9)), days_ago(1))
    scan(NOW)
    carded = EarlyWarning.objects.get(rule="red_card")
    client = commander.client

    def listed(query: str) -> set[int]:
        return {w["id"] for w in client.get(f"/api/v1/warnings?{query}").json()}

    assert listed("") == {reworked.pk, carded.pk}
    assert listed("rule=red_card") == {carded.pk}
    assert listed("unit_kind=grid") == {reworked.pk}
    assert listed(f"unit={home_grid.code}") == {reworked.pk}
    client.post(f"/warnings/{carded.pk}/sign-off/", {"version": 0})
    assert listed("state=signed") == {carded.pk}
    assert listed("state=nonsense") == {reworked.pk, carded.pk}  # unknown values are ignored
    page = client.get("/warnings/?rule=reworked_case").content.decode()
    assert f'data-id="{reworked.pk}"' in page and f'data-id="{carded.pk}"' not in page


def test_it_names_a_care_subject_only_to_who_reads_the_registry(
    home_grid: Grid, grid_worker: Persona, nobody: Persona
) -> None:
    subject = make_person(home_grid, "care1", name="李阿婆", care_tags="残疾人")
    Person.objects.filter(pk=subject.pk).update(created_at=days_ago(60))
    scan(NOW)
    warning = EarlyWarning.objects.get(rule="unvisited_care")
    page = grid_worker.client.get(f"/warnings/{warning.pk}/").content.decode()
    assert "李阿婆" in page and f"/registry/people/{subject.person_no}/" in page
    assert "李阿婆" not in str(warning.params) + str(warning.evidence) + warning.key
    # Someone without the registry (here: no role at all) gets the row by its kind only.
    (row,) = evidence_of(warning, nobody.user)
    assert row.label != "李阿婆" and row.url == ""
