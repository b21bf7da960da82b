"""Indicator figures over 鼓楼区's 90 days of cases, computed on the worker that holds the
district (GROUP BY and `percentile_cont` pushed down whole), equal to what the same rows give
when counted in Python; and a province figure summed over both districts' schemas."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.assessment import periods, queries, units
from outpost.assessment.catalogue import INDICATORS
from outpost.cases.models import Case
from tests.citus.conftest import HOME, OTHER, in_schema, persona

pytestmark = pytest.mark.citus
API = "/api/v1"


def last_90_days() -> periods.Period:
    today = timezone.localdate()
    return periods.parse(f"{today - dt.timedelta(days=89)}_{today}")


def test_the_api_counts_every_case_of_the_period_in_some_street(live: None) -> None:
    admin = persona(Role.ADMIN, "320106000000", "admin")
    period = last_90_days()
    answer = admin.client.get(
        f"{API}/assessment/indicators/case_closure/values", {"unit": "street", "period": period.key}
    )
    assert answer.status_code == 200, answer.content
    figures = answer.json()["figures"]
    rows = queries.rows(INDICATORS["case_closure"], "street", period, queries.scopes_of(admin.user))
    assert len(figures) > 5 and sum(f["denominator"] for f in figures) == rows.count() > 1000
    assert all(0 <= f["numerator"] <= f["denominator"] for f in figures)


@pytest.mark.parametrize("code", ["handling_median", "sign_on_p90"])
def test_a_percentile_on_the_worker_equals_python_over_the_same_rows(live: None, code: str) -> None:
    indicator, period = INDICATORS[code], last_90_days()
    in_db = queries.compute(indicator, "street", period, queries.everything)
    spec = indicator.source.units["street"]
    rows = queries.rows(indicator, "street", period, queries.everything)
    found = rows.annotate(_unit=spec.code())
    by_hand = queries._percentiles_in_python(found, indicator)
    assert in_db and {f.code for f in in_db} == set(by_hand)
    for figure in in_db:
        n, _, hours = by_hand[figure.code]
        assert figure.numerator == n and figure.value == pytest.approx(hours)
    assert all(units.valid("street", f.code) for f in in_db)


def test_a_province_figure_sums_both_districts(live: None) -> None:
    """A province dashboard asks each district's schema (each on its worker) in one statement;
    the coordinator adds up what each returns."""
    with in_schema(OTHER):
        other = Case.objects.count()
    mine = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sum(n) FROM (SELECT count(*) AS n FROM {HOME}.cases_case "
            f"UNION ALL SELECT count(*) FROM {OTHER}.cases_case) AS districts"
        )
        row = cursor.fetchone()
    assert row is not None and row[0] == mine + other and mine > 1000
