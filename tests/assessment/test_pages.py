"""The indicator pages and API as leaders use them: scoped to their area, figures linking to
their rows, and nothing from outside the area counted or shown."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outpost.accounts.roles import Role
from outpost.assessment import periods, queries
from outpost.assessment.catalogue import INDICATORS
from outpost.geo.models import Grid
from tests.assessment.conftest import PERIOD, World, at, make_case
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
NOVEMBER = periods.parse(PERIOD)


def rows_url(code: str, kind: str, unit: str, part: str = "") -> str:
    query = f"?period={PERIOD}" + (f"&part={part}" if part else "")
    return f"/assessment/{code}/{kind}/{unit}/{query}"


def test_it_lists_the_indicators_of_the_commanders_area(world: World, commander: Persona) -> None:
    page = commander.client.get(f"/assessment/?period={PERIOD}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-code="case_closure"' in text
    assert 'data-code="collection_accuracy"' in text
    # The street's commander holds its station's police prefix too: 110 calls per beat.
    assert 'data-code="diversion_110"' in text


def test_it_keeps_the_desks_figures_from_grid_workers(world: World, grid_worker: Persona) -> None:
    text = grid_worker.client.get(f"/assessment/?period={PERIOD}").content.decode()
    assert 'data-code="case_closure"' in text
    assert 'data-code="diversion_110"' not in text  # the 110 desk's calls: `dispatch` only
    assert grid_worker.client.get("/assessment/diversion_110/").status_code == 404


def test_it_shows_figures_worst_first_in_the_commanders_street(
    world: World, commander: Persona
) -> None:
    page = commander.client.get(f"/assessment/case_closure/?unit=grid&period={PERIOD}")
    assert page.status_code == 200
    figures = page.context["figures"]
    assert [(f.code, f.shown) for f in figures] == [(world.home.code, "75.0%")]
    assert world.other.code not in page.content.decode()  # another street's grid
    assert rows_url("case_closure", "grid", world.home.code) in page.content.decode()


def test_it_drills_from_a_figure_to_its_rows(world: World, commander: Persona) -> None:
    missing = commander.client.get(rows_url("case_closure", "grid", world.home.code))
    assert missing.status_code == 200
    assert [r[0][1].text for r in missing.context["rows"]] == [world.cases["c3"].number]
    assert missing.context["figure"].shown == "75.0%"
    counted = commander.client.get(rows_url("case_closure", "grid", world.home.code, "num"))
    numbers = {r[0][1].text for r in counted.context["rows"]}
    assert numbers == {world.cases[k].number for k in ("c1", "c2", "c7")}
    everything = commander.client.get(rows_url("case_closure", "grid", world.home.code, "den"))
    assert len(everything.context["rows"]) == 4


def test_it_lists_a_durations_rows_longest_first(world: World, commander: Persona) -> None:
    page = commander.client.get(rows_url("handling_p90", "grid", world.home.code))
    assert page.status_code == 200
    hours = [r[-1][1].text for r in page.context["rows"]]
    assert hours == ["120.0", "72.0", "24.0"]


def test_it_hides_a_unit_outside_the_area(
    world: World, commander: Persona, outsider: Persona
) -> None:
    other, home = world.other.code, world.home.code
    assert commander.client.get(rows_url("case_closure", "grid", other)).status_code == 404
    assert outsider.client.get(rows_url("case_closure", "grid", home)).status_code == 404
    street = world.other.code[:9] + "000"
    assert commander.client.get(rows_url("case_closure", "street", street)).status_code == 404


def test_it_assesses_a_grid_worker_on_their_grid_only(world: World, grid_worker: Persona) -> None:
    page = grid_worker.client.get(f"/assessment/case_closure/?period={PERIOD}")
    assert [k for k, _ in page.context["kinds"]] == ["grid"]
    community = world.home.code[:12]
    refused = grid_worker.client.get(rows_url("case_closure", "community", community))
    assert refused.status_code == 404
    assert grid_worker.client.get("/assessment/case_closure/?unit=community").status_code == 404


def test_it_assesses_the_beats_officer_on_their_beat(world: World, officer: Persona) -> None:
    page = officer.client.get(f"/assessment/case_closure/?period={PERIOD}")
    assert [k for k, _ in page.context["kinds"]] == ["beat"]
    beat = world.home.main_beat.code  # type: ignore[union-attr]
    assert [f.code for f in page.context["figures"]] == [beat]
    assert officer.client.get(rows_url("case_closure", "grid", world.home.code)).status_code == 404
    station = beat[:9] + "000"
    assert officer.client.get(rows_url("case_closure", "station", station)).status_code == 404


def test_it_counts_no_row_outside_the_viewers_area(world: World, commander: Persona) -> None:
    scopes = queries.scopes_of(commander.user)
    for indicator in INDICATORS.values():
        for kind in queries.kinds_for(indicator, scopes):
            for f in queries.compute(indicator, kind, NOVEMBER, scopes):
                assert f.code != world.other.code
    whole = queries.compute(INDICATORS["case_closure"], "grid", NOVEMBER, queries.everything)
    assert world.other.code in {f.code for f in whole}


def test_it_refuses_reporters_and_sends_strangers_to_sign_in(world: World, anonymous) -> None:
    reporter = _persona("reporter_a", Role.REPORTER, world.home.code)
    assert reporter.client.get("/assessment/").status_code == 403
    assert anonymous.get("/assessment/").status_code == 302
    assert not queries.may_assess(AnonymousUser())


def test_it_hides_unknown_indicators_kinds_and_parts(world: World, commander: Persona) -> None:
    assert commander.client.get("/assessment/nothing/").status_code == 404
    assert commander.client.get("/assessment/case_closure/?unit=planet").status_code == 404
    bad_part = rows_url("case_closure", "grid", world.home.code, "some")
    assert commander.client.get(bad_part).status_code == 404
    assert commander.client.get("/assessment/case_closure/grid/12/").status_code == 404


def test_it_says_so_when_the_period_is_not_one(world: World, commander: Persona) -> None:
    page = commander.client.get("/assessment/case_closure/?period=2026-13")
    assert page.status_code == 200
    assert page.context["bad_period"]


def test_it_shows_no_names_of_people_behind_a_figure(world: World, commander: Persona) -> None:
    page = commander.client.get(rows_url("floating_registration", "grid", world.home.code, "den"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "AS-P-f2" in text
    assert "某人" not in text


def test_it_answers_indicator_values_over_the_api(world: World, commander: Persona) -> None:
    listed = commander.client.get("/api/v1/assessment/indicators")
    assert listed.status_code == 200
    closure = next(i for i in listed.json() if i["code"] == "case_closure")
    assert closure["units"] == ["grid", "community", "street", "beat", "station"]
    answer = commander.client.get(
        f"/api/v1/assessment/indicators/case_closure/values?unit=grid&period={PERIOD}"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["period"] == {"key": PERIOD, "start": "2026-11-01", "end": "2026-11-30"}
    assert body["figures"] == [
        {"unit": world.home.code, "name": world.home.name, "numerator": 3, "denominator": 4,
         "value": 0.75}
    ]  # fmt: skip
    bad = "/api/v1/assessment/indicators/case_closure/values?period=2026-13"
    assert commander.client.get(bad).status_code == 422
    assert commander.client.get("/api/v1/assessment/indicators/nothing/values").status_code == 404


def test_it_counts_all_units_in_the_same_queries(world: World, commander: Persona) -> None:
    """One grouped query whatever the number of units: a second grid of the street adds none."""
    url = f"/assessment/case_closure/?unit=grid&period={PERIOD}"
    with CaptureQueriesContext(connection) as one:
        assert len(commander.client.get(url).context["figures"]) == 1
    neighbour = Grid.objects.filter(code__startswith=world.home.code[:9]).exclude(
        code__startswith=world.home.code[:12]
    )[0]
    make_case(neighbour, at(3), "closed")
    with CaptureQueriesContext(connection) as two:
        assert len(commander.client.get(url).context["figures"]) == 2
    assert len(two) == len(one)


def test_it_hides_police_only_titles_from_civil_roles(
    world: World, grid_worker: Persona, officer: Persona
) -> None:
    clue = world.cases["c3"]
    clue.sensitivity = "police"
    clue.save(update_fields=["sensitivity"])
    civil = grid_worker.client.get(rows_url("case_closure", "grid", world.home.code))
    assert [r[1][1].text for r in civil.context["rows"]] == ["（涉警内容）"]
    beat = world.home.main_beat.code  # type: ignore[union-attr]
    police = officer.client.get(rows_url("case_closure", "beat", beat))
    assert [r[1][1].text for r in police.context["rows"]] == [clue.title]
