"""Who signs on (签收) and reports back (反馈) for each recipient: the unit's own people and the
named person, nobody else (403 for those who see the row, 404 for those who do not); each step
once, in order, with photos kept without their location data."""

from typing import Any

import pytest
from django.core.files.storage import default_storage

from outpost.accounts.roles import Role
from outpost.core.models import ChangeRecord
from outpost.geo.models import CommandRoom, Division, Grid
from outpost.instructions.models import Feedback, Instruction, RecipientState
from tests.cases.photos import assert_served_as_download, has_gps, phone_photo
from tests.conftest import Persona, _persona
from tests.instructions.conftest import row, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruction(
    room: CommandRoom, home_grid: Grid, commander: Persona, officer: Persona, department: Any
) -> Instruction:
    assert home_grid.main_beat is not None
    return send(
        room,
        commander.user,
        [
            ("grid", home_grid.code),
            ("outpost", home_grid.community.code),
            ("beat", home_grid.main_beat.code),
            ("department", department.code),
            ("user", officer.user.username),
        ],
    )


def sign_on(persona: Persona, instruction: Instruction, key: str) -> int:
    target = row(instruction, key)
    url = f"/instructions/{instruction.pk}/recipients/{target.pk}/sign-on/"
    return persona.client.post(url).status_code


def test_it_lets_exactly_the_right_people_sign_on(
    instruction: Instruction,
    home_grid: Grid,
    grid_worker: Persona,
    officer: Persona,
    leader: Persona,
    handler: Persona,
    commander: Persona,
    duty_officer: Persona,
    admin: Persona,
    outsider: Persona,
    nobody: Persona,
) -> None:
    assert home_grid.main_beat is not None
    grid, outpost = f"grid:{home_grid.code}", f"outpost:{home_grid.community.code}"
    beat, dept = f"beat:{home_grid.main_beat.code}", "department:320106CG"
    named = f"user:{officer.user.username}"
    # 302 acts, 403 sees the row but may not act, 404 does not see it.
    every = (grid, outpost, beat, dept, named)
    expected = [
        (grid_worker, {grid: 302, outpost: 404, beat: 404, dept: 404, named: 404}),
        (officer, {grid: 404, outpost: 302, beat: 302, dept: 404, named: 302}),
        # The community's grid leader acts for its grid and outpost; the station's room is not
        # theirs (it is the street's and the station's), so other rows stay out of sight.
        (leader, {grid: 302, outpost: 302, beat: 404, dept: 404, named: 404}),
        (handler, {grid: 404, outpost: 404, beat: 404, dept: 302, named: 404}),
        (commander, dict.fromkeys(every, 403)),
        (duty_officer, dict.fromkeys(every, 403)),
        (admin, dict.fromkeys(every, 403)),
        (outsider, dict.fromkeys(every, 404)),
        (nobody, dict.fromkeys(every, 404)),
    ]
    # The refusals first, while every row is still open; then the ones who may, each once.
    for persona, answers in expected:
        for key, status in answers.items():
            if status != 302:
                assert sign_on(persona, instruction, key) == status, (persona.user, key)
    signed = {}
    for persona, answers in expected:
        for key, status in answers.items():
            if status == 302 and key not in signed:
                assert sign_on(persona, instruction, key) == 302, (persona.user, key)
                signed[key] = persona.user
    for key, user in signed.items():
        found = row(instruction, key)
        assert (found.state, found.signed_on_by) == (RecipientState.SIGNED_ON, user), key
        assert found.read_at is not None
    assert len(signed) == 5


def test_it_signs_on_once_and_says_so_to_the_second_colleague(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona, leader: Persona
) -> None:
    key = f"grid:{home_grid.code}"
    assert sign_on(grid_worker, instruction, key) == 302
    target = row(instruction, key)
    url = f"/instructions/{instruction.pk}/recipients/{target.pk}/sign-on/"
    second = leader.client.post(url, follow=True)
    assert second.status_code == 200 and "本单位已有人先处理" in second.content.decode()
    target.refresh_from_db()
    assert target.signed_on_by == grid_worker.user
    assert ChangeRecord.objects.filter(action="sign_on_instruction").count() == 1


def report(
    persona: Persona, instruction: Instruction, key: str, follow: bool = False, **fields: Any
) -> Any:
    target = row(instruction, key)
    url = f"/instructions/{instruction.pk}/recipients/{target.pk}/feedback/"
    data = {"text": "已入户排查 12 户，发现隐患 2 处已整改", **fields}
    return persona.client.post(url, data, follow=follow)


def test_it_takes_reports_only_after_sign_on_and_until_done(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona
) -> None:
    key = f"grid:{home_grid.code}"
    early = report(grid_worker, instruction, key, follow=True)
    assert early.status_code == 200 and "请先签收再反馈" in early.content.decode()
    assert sign_on(grid_worker, instruction, key) == 302
    assert report(grid_worker, instruction, key).status_code == 302
    assert row(instruction, key).state == RecipientState.REPORTED
    assert report(grid_worker, instruction, key, done="on").status_code == 302
    finished = row(instruction, key)
    assert (finished.state, finished.done_by) == (RecipientState.DONE, grid_worker.user)
    late = report(grid_worker, instruction, key, follow=True)
    assert late.status_code == 200 and "已报告办结" in late.content.decode()
    assert [f.final for f in Feedback.objects.filter(recipient=finished)] == [False, True]


def test_it_needs_words_in_a_report(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona
) -> None:
    key = f"grid:{home_grid.code}"
    sign_on(grid_worker, instruction, key)
    empty = report(grid_worker, instruction, key, text="  ")
    assert empty.status_code == 200 and 'class="field invalid required"' in empty.content.decode()
    assert row(instruction, key).state == RecipientState.SIGNED_ON


def test_it_refuses_reports_from_those_who_do_not_act(
    instruction: Instruction,
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    outsider: Persona,
) -> None:
    key = f"grid:{home_grid.code}"
    sign_on(grid_worker, instruction, key)
    assert report(commander, instruction, key).status_code == 403
    assert report(outsider, instruction, key).status_code == 404
    assert row(instruction, key).state == RecipientState.SIGNED_ON


def test_it_keeps_report_photos_without_location_and_shows_them_in_scope(
    instruction: Instruction,
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    officer: Persona,
    outsider: Persona,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = f"grid:{home_grid.code}"
    sign_on(grid_worker, instruction, key)
    photo = SimpleUploadedFile("现场.jpg", phone_photo(), content_type="image/jpeg")
    assert report(grid_worker, instruction, key, photos=photo).status_code == 302
    kept = Feedback.objects.get(recipient=row(instruction, key)).photos.get()
    with default_storage.open(kept.file.name, "rb") as stored:
        assert not has_gps(stored.read())
    url = f"/instructions/{instruction.pk}/photos/{kept.pk}/"
    assert grid_worker.client.get(url).status_code == 200
    assert commander.client.get(url).status_code == 200
    # The officer sees the instruction (the beat and his name are on it), not the grid's row.
    assert officer.client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404


def test_it_serves_report_photos_as_downloads_that_cannot_run_in_the_browser(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = f"grid:{home_grid.code}"
    sign_on(grid_worker, instruction, key)
    photo = SimpleUploadedFile("整改.png", phone_photo(), content_type="image/png")
    assert report(grid_worker, instruction, key, photos=photo).status_code == 302
    kept = Feedback.objects.get(recipient=row(instruction, key)).photos.get()
    answer = grid_worker.client.get(f"/instructions/{instruction.pk}/photos/{kept.pk}/")
    assert_served_as_download(answer, "filename*=utf-8''%E6%95%B4%E6%94%B9.jpg")


def test_it_refuses_a_file_that_is_not_a_photo(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = f"grid:{home_grid.code}"
    sign_on(grid_worker, instruction, key)
    fake = SimpleUploadedFile("照片.jpg", b"MZ not a photo at all", content_type="image/jpeg")
    answer = report(grid_worker, instruction, key, follow=True, photos=fake)
    assert answer.status_code == 200 and "不是可接受的照片" in answer.content.decode()
    assert row(instruction, key).state == RecipientState.SIGNED_ON


def test_it_keeps_instructions_from_reporters_and_from_leaders_elsewhere_in_the_street(
    instruction: Instruction, home_grid: Grid
) -> None:
    street = home_grid.community.code[:9] + "000"
    reporter = _persona("street_reporter", Role.REPORTER, street)  # sees areas, not the work
    neighbour = (
        Division.objects.filter(level="community", code__startswith=street[:9])
        .exclude(code=home_grid.community.code)
        .first()
    )
    assert neighbour is not None
    leader = _persona("neighbour_leader", Role.GRID_LEADER, neighbour.code)
    for persona in (reporter, leader):
        assert persona.client.get(f"/instructions/{instruction.pk}/").status_code == 404
        api = persona.client.get(f"/api/v1/instructions/{instruction.pk}")
        assert api.status_code == 404
        assert persona.client.get("/instructions/new/").status_code == 403  # no room to send from
