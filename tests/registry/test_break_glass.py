"""Break-the-glass (紧急查看): an officer opens one person's record outside their area by exact
ID number and a stated reason; it lasts OUTPOST_BREAK_GLASS_HOURS, only for that record, goes
through the one scope function, is logged, and waits on the auditors' list for review."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from outpost.accounts.models import BreakGlassGrant
from outpost.accounts.roles import Role
from outpost.core.crypto import keyed_hash
from outpost.core.models import AccessLogEntry, ChangeRecord
from outpost.geo.models import Grid
from outpost.registry.models import Person
from outpost.registry.queries import people_for
from tests.conftest import OTHER_GRID, Persona, _persona
from tests.registry.data import RegistryData
from tests.registry.helpers import assert_chain_intact, loaded_in_grid, masked_id, workbook_rows

pytestmark = pytest.mark.django_db
REASON = "救护车送医，需核实伤者身份和家属联系方式"
OPEN = reverse("registry:break_glass")


def _far_away(data: RegistryData, n: int = 0) -> dict[str, str]:
    """A resident of the outsider's grid, in another street than the officer's beat."""
    return sorted(loaded_in_grid(data, OTHER_GRID).values(), key=lambda r: r["person_id"])[n]


def _url(row: dict[str, str]) -> str:
    return reverse("registry:person", args=[row["person_id"]])


def _open(persona: Persona, row: dict[str, str], reason: str = REASON) -> Any:
    return persona.client.post(OPEN, {"id_number": row["id_number"], "reason": reason})


def test_it_opens_a_record_outside_the_area_for_a_stated_reason(
    registry_data: RegistryData, officer: Persona
) -> None:
    row = _far_away(registry_data)
    assert officer.client.get(_url(row)).status_code == 404

    answer = _open(officer, row)

    assert answer.status_code == 302 and answer["Location"] == _url(row)
    page = officer.client.get(_url(row))
    assert page.status_code == 200 and row["name"] in page.content.decode()
    assert people_for(officer.user).filter(person_no=row["person_id"]).exists()
    grant = BreakGlassGrant.objects.get(user=officer.user)
    assert grant.reason == REASON and grant.expires_at - grant.granted_at == dt.timedelta(hours=4)


@pytest.mark.parametrize("reason", ["", "          ", "看一下身份信息"])
def test_it_refuses_without_a_reason_of_ten_characters(
    registry_data: RegistryData, officer: Persona, reason: str
) -> None:
    row = _far_away(registry_data)

    answer = _open(officer, row, reason)

    assert answer.status_code == 200 and row["name"] not in answer.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert officer.client.get(_url(row)).status_code == 404
    assert not AccessLogEntry.objects.filter(action="break_glass").exists()


def test_it_closes_the_record_when_the_hours_are_up(
    registry_data: RegistryData, officer: Persona
) -> None:
    row = _far_away(registry_data)
    _open(officer, row)
    grant = BreakGlassGrant.objects.get()
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        granted_at=grant.granted_at - dt.timedelta(hours=3, minutes=59),
        expires_at=grant.expires_at - dt.timedelta(hours=3, minutes=59),
    )
    assert officer.client.get(_url(row)).status_code == 200  # one minute left

    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert officer.client.get(_url(row)).status_code == 404


def test_it_opens_that_record_only_and_only_to_read(
    registry_data: RegistryData, officer: Persona
) -> None:
    row, neighbour = _far_away(registry_data, 0), _far_away(registry_data, 1)
    _open(officer, row)
    person = Person.objects.get(person_no=row["person_id"])

    assert officer.client.get(_url(neighbour)).status_code == 404
    assert officer.client.get(reverse("registry:address", args=[row["addr_id"]])).status_code == 404
    edit = officer.client.get(reverse("registry:person_edit", args=[row["person_id"]]))
    assert edit.status_code == 403
    exported = officer.client.get(reverse("registry:export", args=["people"]), {"q": person.name})
    _, rows, _ = workbook_rows(exported.content)
    assert row["person_id"] not in [r[0] for r in rows]
    unmasked = officer.client.post(
        reverse("registry:person_unmask", args=[row["person_id"]]), {"purpose": "确认伤者身份"}
    )
    assert unmasked.status_code == 200 and row["id_number"] in unmasked.content.decode()


def test_it_logs_the_opening_and_lists_it_for_review(
    registry_data: RegistryData, officer: Persona, admin: Persona
) -> None:
    row = _far_away(registry_data)
    _open(officer, row)
    officer.client.get(_url(row))
    supervisor = _persona(
        "supervisor_p", Role.AUDITOR, Grid.objects.get(code=OTHER_GRID).community.code[:9] + "000"
    )

    entries = assert_chain_intact()
    logged = next(e for e in entries if e.action == "break_glass")
    assert (logged.actor, logged.object_key, logged.purpose) == (
        officer.user,
        row["person_id"],
        REASON,
    )
    assert [e.action for e in entries if e.object_key == row["person_id"]] == [
        "break_glass",
        "view_person",
    ]
    for auditor in (supervisor, admin):
        listed = auditor.client.get(reverse("audit:break_glass"))
        assert REASON in listed.content.decode() and row["person_id"] in listed.content.decode()

    grant = BreakGlassGrant.objects.get()
    supervisor.client.post(reverse("audit:review", args=[grant.pk]), {"note": "已电话核实"})

    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_note) == (supervisor.user, "已电话核实")
    assert REASON not in supervisor.client.get(reverse("audit:break_glass")).content.decode()
    assert (
        REASON
        in supervisor.client.get(reverse("audit:break_glass"), {"show": "all"}).content.decode()
    )
    assert ChangeRecord.objects.filter(action="review_break_glass").count() == 1


def test_it_is_for_officers_only(
    registry_data: RegistryData, grid_worker: Persona, admin: Persona
) -> None:
    row = _far_away(registry_data)

    for persona in (grid_worker, admin):
        assert _open(persona, row).status_code == 403
        assert persona.client.get(OPEN).status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_it_offers_emergency_access_when_an_id_search_finds_nobody_in_the_area(
    registry_data: RegistryData, officer: Persona, grid_worker: Persona
) -> None:
    row = _far_away(registry_data)
    search = {"q": row["id_number"]}

    offered = officer.client.get(reverse("registry:people"), search).content.decode()
    not_offered = grid_worker.client.get(reverse("registry:people"), search).content.decode()

    assert 'id="break-glass-offer"' in offered and row["name"] not in offered
    assert 'id="break-glass-offer"' not in not_offered


def test_it_logs_a_search_for_an_unknown_number_masked(officer: Persona) -> None:
    number = "110101199003074573"  # a valid check digit, nobody on record
    digest = keyed_hash(number, purpose="id_number")
    assert not Person.objects.filter(id_number_hash=digest).exists()

    answer = officer.client.post(OPEN, {"id_number": number, "reason": REASON})

    assert answer.status_code == 200 and "未找到" in answer.content.decode()
    logged = AccessLogEntry.objects.get(action="break_glass_miss")
    assert logged.object_key == masked_id(number) and number not in logged.purpose
