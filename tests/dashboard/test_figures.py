"""Every figure of the dashboards, worked out by hand on the small world of conftest.py, and the
list each figure links to holds exactly the rows it counted."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import Persona
from tests.dashboard.conftest import World

pytestmark = pytest.mark.django_db

API = "/api/v1/dashboard"


def answer(client: Client, path: str, **params: str) -> dict[str, Any]:
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def tiles(client: Client, period: str) -> dict[str, dict[str, Any]]:
    return {t["key"]: t for t in answer(client, "summary", period=period)["tiles"]}


def bars(client: Client, path: str, period: str) -> dict[str, dict[str, Any]]:
    return {b["code"]: b for b in answer(client, path, period=period)["bars"]}


def listed(client: Client, url: str) -> int:
    """How many rows the case queue shows for the link (all pages)."""
    response = client.get(url)
    assert response.status_code == 200
    return int(response.context["page"].paginator.count)


def test_it_counts_new_open_overdue_and_red_cards_of_the_last_7_days(
    world: World, commander: Persona
) -> None:
    found = tiles(commander.client, "7d")
    # a b c e f reported in the last 7 days; c is closed; b and e are past their deadline;
    # e has a red card. d (10 days ago), g (40 days) and h (another street) are not counted.
    assert {k: found[k]["value"] for k in ("new", "open", "overdue", "red")} == {
        "new": 5,
        "open": 4,
        "overdue": 2,
        "red": 1,
    }


def test_it_follows_the_period(world: World, commander: Persona) -> None:
    today = tiles(commander.client, "today")
    assert today["new"]["value"] == 3  # a b f
    month = tiles(commander.client, "30d")
    assert month["new"]["value"] == 6  # and c d e
    quarter = tiles(commander.client, "90d")
    assert quarter["new"]["value"] == 7  # and g


def test_it_takes_satisfaction_from_the_assessment(world: World, commander: Persona) -> None:
    week = tiles(commander.client, "7d")["satisfaction"]
    assert (week["value"], week["extra"]) == (1.0, "1/1")  # c satisfied
    month = tiles(commander.client, "30d")["satisfaction"]
    assert (month["value"], month["extra"], month["shown"]) == (0.5, "1/2", "50.0%")
    # Its link opens the indicator's rows: the one unsatisfied case (d).
    response = commander.client.get(month["url"])
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert world.cases["d"].number in response.content.decode()


def test_it_counts_by_category_and_by_source(world: World, commander: Persona) -> None:
    categories = bars(commander.client, "categories", "7d")
    assert {c: b["count"] for c, b in categories.items()} == {"01": 3, "02": 2}
    assert categories["01"]["name"].startswith("01 ")
    sources = bars(commander.client, "sources", "7d")
    counts = {c: b["count"] for c, b in sources.items()}
    assert counts == {
        "grid_patrol": 1,
        "reporter": 1,
        "resident": 1,
        "110": 2,
        "12345": 0,
        "higher_level": 0,
    }


def test_it_counts_open_cases_per_handling_unit(world: World, commander: Persona) -> None:
    units = bars(commander.client, "workload", "7d")
    assert {c: b["count"] for c, b in units.items()} == {f"grid:{world.home.code}": 2}
    assert units[f"grid:{world.home.code}"]["name"] == world.home.name


def test_it_draws_a_day_per_point_over_at_least_30_days(world: World, commander: Persona) -> None:
    trend = answer(commander.client, "summary", period="7d")["trend"]
    assert len(trend["days"]) == 30
    assert trend["new"][-1] == 3 and trend["open"][-1] == 3  # today: a b f
    assert trend["new"][-4] == 2 and trend["open"][-4] == 1  # 3 days ago: c (closed) and e
    assert trend["new"][-11] == 1  # 10 days ago: d
    assert sum(trend["new"]) == 6  # g is 40 days ago


@pytest.mark.parametrize("period", ["today", "7d", "30d", "90d"])
def test_it_links_every_figure_to_exactly_its_rows(
    world: World, commander: Persona, period: str
) -> None:
    client = commander.client
    figures = [t for k, t in tiles(client, period).items() if k != "satisfaction"]
    for path in ("categories", "sources", "workload"):
        figures += [
            {"value": b["count"], "url": b["url"]} for b in bars(client, path, period).values()
        ]
    trend = answer(client, "summary", period=period)["trend"]
    figures += [{"value": n, "url": u} for n, u in zip(trend["new"], trend["urls"], strict=True)]
    for figure in figures:
        assert listed(client, figure["url"]) == figure["value"], figure["url"]


def test_it_carries_the_filters_to_the_queue(world: World, commander: Persona) -> None:
    found = tiles(commander.client, "7d")
    query = parse_qs(urlsplit(found["overdue"]["url"]).query)
    assert query["tab"] == ["all"] and query["overdue"] == ["on"]
    assert set(query) == {"tab", "overdue", "since", "until"}
    red = parse_qs(urlsplit(found["red"]["url"]).query)
    assert red["card"] == ["red"]
    source = bars(commander.client, "sources", "7d")["110"]
    assert parse_qs(urlsplit(source["url"]).query)["source"] == ["110"]


def test_it_counts_a_month(world: World, commander: Persona) -> None:
    from django.utils import timezone

    month = f"{timezone.localdate():%Y-%m}"
    found = tiles(commander.client, month)
    assert found["new"]["value"] == listed(commander.client, found["new"]["url"])
    assert answer(commander.client, "summary", period=month)["window"]["key"] == month


def test_it_refuses_a_period_it_does_not_know(world: World, commander: Persona) -> None:
    for bad in ("5d", "2026-13", "2999-01", "x" * 50):
        assert commander.client.get(f"{API}/summary", {"period": bad}).status_code == 422


def test_it_maps_an_indicator_per_grid_and_ranks_the_worst(
    world: World, commander: Persona
) -> None:
    found = answer(commander.client, "areas", period="7d", indicator="case_closure")
    assert found["kind"] == "grid"
    areas = {a["code"]: a for a in found["areas"]}
    assert world.other.code not in areas
    home = areas[world.home.code]
    # a b c e f reported in the last 7 days, none rejected; c is done.
    assert (home["numerator"], home["denominator"]) == (1, 5)
    assert found["worst"][0]["code"] == world.home.code
    rows = commander.client.get(home["url"])
    assert rows.status_code == 200 and rows.context["page"].paginator.count == 4
    codes = {i["code"] for i in found["indicators"]}
    assert {"case_closure", "satisfaction"} <= codes


def test_it_answers_404_for_an_indicator_it_cannot_map(world: World, commander: Persona) -> None:
    response = commander.client.get(f"{API}/areas", {"indicator": "nonsense"})
    assert response.status_code == 404
