"""警网双考 pages and API as their users meet them: the ranking each persona sees, the appeal
filed by the grid's worker and decided by the street commander, the approval that locks, and
the xlsx in the offices' layout (opened with openpyxl, cell by cell)."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from outpost.assessment import services
from outpost.assessment.models import Appeal, Period, Score
from outpost.core.models import AccessLogEntry
from tests.assessment.conftest import World
from tests.assessment.test_schemes import small_scheme
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(world: World) -> Period:
    return services.do_compute(small_scheme(world), "2026-11", actor=None)


def home_score(period: Period, world: World, indicator: str) -> Score:
    return Score.objects.get(
        result__period=period, result__unit_code=world.home.code, indicator=indicator
    )


def test_it_shows_each_persona_the_units_of_their_area(
    november: Period, world: World, commander: Persona, grid_worker: Persona,
    officer: Persona, outsider: Persona,
) -> None:  # fmt: skip
    url = f"/assessment/periods/{november.pk}/"
    page = commander.client.get(url).content.decode()
    assert 'id="ranking-grid"' in page and 'id="ranking-beat"' in page
    assert "宁海路街道2026年11月警网双考考核结果" in page
    mine = grid_worker.client.get(url).content.decode()
    assert f'data-unit="{world.home.code}"' in mine and mine.count("data-unit=") == 1
    assert 'id="approve-form"' not in mine and 'id="export-link"' not in mine
    beat = officer.client.get(url).content.decode()
    assert 'id="ranking-grid"' not in beat and 'id="ranking-beat"' in beat
    assert outsider.client.get(url).status_code == 404
    api = grid_worker.client.get(f"/api/v1/assessment/periods/{november.pk}").json()
    assert [r["unit"] for r in api["results"]] == [world.home.code]


def test_it_takes_an_appeal_from_the_grid_to_its_decision(
    november: Period, world: World, commander: Persona, grid_worker: Persona
) -> None:
    figure = home_score(november, world, "satisfaction")
    form = f"/assessment/scores/{figure.pk}/appeal/"
    assert commander.client.get(form).status_code == 403  # a leader does not appeal
    answer = grid_worker.client.post(form, {"evidence": "回访电话打错了号码"})
    appeal = Appeal.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/assessment/appeals/{appeal.pk}/"
    decide = f"/assessment/appeals/{appeal.pk}/decide/"
    assert grid_worker.client.post(decide, {"decision": "upheld", "reason": "x"}).status_code == 403
    page = commander.client.get(f"/assessment/appeals/{appeal.pk}/").content.decode()
    assert 'id="decide-form"' in page and "回访电话打错了号码" in page
    commander.client.post(decide, {"decision": "upheld", "corrected_value": "90", "reason": "属实"})
    figure.refresh_from_db()
    assert (figure.value, figure.corrected) == (0.9, True)
    shown = grid_worker.client.get(f"/assessment/results/{figure.result_id}/").content.decode()
    assert "90.0%" in shown and "50.0%" in shown  # corrected, and what was computed


def test_it_locks_the_period_on_approval_through_the_api(
    november: Period, world: World, commander: Persona, grid_worker: Persona
) -> None:
    figure = home_score(november, world, "case_closure")
    url = f"/api/v1/assessment/periods/{november.pk}/approve"
    assert grid_worker.client.post(url).status_code == 403
    assert commander.client.post(url).json()["state"] == "approved"
    appeal = grid_worker.client.post(
        f"/api/v1/assessment/scores/{figure.pk}/appeals",
        {"evidence": "晚了"}, content_type="application/json",
    )  # fmt: skip
    assert appeal.status_code == 422 and not Appeal.objects.exists()
    again = commander.client.post(
        f"/api/v1/assessment/schemes/{november.scheme_id}/compute",
        {"period": "2026-11"}, content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 422


def test_it_exports_the_offices_layout(
    november: Period, world: World, commander: Persona, grid_worker: Persona
) -> None:
    assert grid_worker.client.get(f"/assessment/periods/{november.pk}/export/").status_code == 403
    answer = commander.client.get(f"/assessment/periods/{november.pk}/export/")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["网格", "警务区"]
    sheet = book["网格"]
    assert sheet["A1"].value == "宁海路街道2026年11月警网双考考核结果"
    assert "A1:I1" in {str(r) for r in sheet.merged_cells.ranges}  # 2 + 2×2 + 3 columns
    assert [sheet.cell(2, c).value for c in (1, 2, 3, 5, 7, 8, 9)] == [
        "单位代码", "单元", "办结率", "群众满意率", "总分", "排名", "名次变化",
    ]  # fmt: skip
    assert [sheet.cell(3, c).value for c in (1, 3, 5)] == ["权重", 60, 40]
    assert [sheet.cell(4, c).value for c in (1, 3, 5)] == ["目标值", "95%", "90%"]
    assert [sheet.cell(5, c).value for c in (3, 4, 5, 6)] == ["数值", "得分", "数值", "得分"]
    row = next(r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0] == world.home.code)
    closure, satisfied = 60 * 0.75 / 0.95, 40 * 0.5 / 0.9
    assert row[1] == world.home.name and row[2] == 75.0 and row[4] == 50.0
    assert row[3] == pytest.approx(round(closure, 2)) and row[5] == pytest.approx(
        round(satisfied, 2)
    )
    assert row[6] == pytest.approx(round(closure + satisfied, 2))
    assert row[7:] == (1, "新")
    logged = AccessLogEntry.objects.get(action="export", object_type="assessment")
    assert logged.object_key == f"{november.scheme_id}:2026-11" and logged.actor == commander.user


def test_it_computes_from_the_scheme_page_for_leaders_only(
    world: World, commander: Persona, grid_worker: Persona
) -> None:
    scheme = small_scheme(world)
    url = f"/assessment/schemes/{scheme.pk}/compute/"
    assert grid_worker.client.post(url, {"period": "2026-11"}).status_code == 403
    assert not Period.objects.exists()
    answer = commander.client.post(url, {"period": "2026-11"})
    period = Period.objects.get()
    assert answer["Location"] == f"/assessment/periods/{period.pk}/"
    page = commander.client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert 'id="compute-form"' in page and "办结率" in page


def test_it_lets_the_stations_duty_officer_lead_and_the_beats_officer_appeal(
    november: Period, world: World, duty_officer: Persona, officer: Persona
) -> None:
    beat = world.home.main_beat
    assert beat is not None
    figure = Score.objects.get(
        result__period=november, result__unit_code=beat.code, indicator="diversion_110"
    )
    filed = officer.client.post(
        f"/api/v1/assessment/scores/{figure.pk}/appeals",
        {"evidence": "两起警情实为非警务"}, content_type="application/json",
    )  # fmt: skip
    assert filed.status_code == 201
    decided = duty_officer.client.post(
        f"/api/v1/assessment/appeals/{filed.json()['id']}/decision",
        {"decision": "upheld", "corrected_value": 1.0, "reason": "核实属实"},
        content_type="application/json",
    )  # fmt: skip
    assert decided.json()["state"] == "upheld"
    figure.refresh_from_db()
    assert figure.value == 1.0
    home = Score.objects.get(result__period=november, result__unit_code=world.home.code,
                             indicator="case_closure")  # fmt: skip
    assert officer.client.get(f"/assessment/scores/{home.pk}/appeal/").status_code == 404


def test_it_keeps_a_photo_with_the_appeal_for_those_who_see_the_unit(
    november: Period, world: World, commander: Persona, grid_worker: Persona,
    outsider: Persona, tmp_path: Any,
) -> None:  # fmt: skip
    figure = home_score(november, world, "case_closure")
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG")
    upload = SimpleUploadedFile("现场.jpg", photo.getvalue(), content_type="image/jpeg")
    grid_worker.client.post(
        f"/assessment/scores/{figure.pk}/appeal/", {"evidence": "见照片", "attachment": upload}
    )
    appeal = Appeal.objects.get()
    page = commander.client.get(f"/assessment/appeals/{appeal.pk}/").content.decode()
    assert 'id="appeal-file"' in page
    answer = commander.client.get(f"/assessment/appeals/{appeal.pk}/file/")
    assert answer["Content-Type"] == "image/jpeg" and "attachment" in answer["Content-Disposition"]
    assert outsider.client.get(f"/assessment/appeals/{appeal.pk}/file/").status_code == 404
    refused = grid_worker.client.post(
        f"/assessment/scores/{home_score(november, world, 'satisfaction').pk}/appeal/",
        {"evidence": "见附件", "attachment": SimpleUploadedFile("x.jpg", b"<script>")},
    )
    assert refused.status_code == 200 and Appeal.objects.count() == 1  # not a photo: refused
