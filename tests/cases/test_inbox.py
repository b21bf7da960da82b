"""Each user's in-app inbox (站内消息): messages about cases reach the units' people, are read
only by their owner, and are marked read when opened."""

import pytest
from django.utils import timezone

from outpost.cases import services
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from outpost.notifications.services import notify
from tests.cases.conftest import file_case
from tests.conftest import OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def test_it_tells_the_grid_of_a_dispatch_and_marks_it_read_when_opened(
    home_grid: Grid, grid_worker: Persona, commander: Persona, outsider: Persona
) -> None:
    case = file_case(home_grid, commander.user, "0603")  # tells the grid only
    for step in ("accept", "dispatch"):
        services.act(case, step, actor=commander.user)
    [message] = Notification.objects.filter(user=grid_worker.user)
    page = grid_worker.client.get("/inbox/").content.decode()
    assert f"新派遣：{case.number}" in page and 'id="unread-count"' in page
    header = grid_worker.client.get("/cases/").content.decode()
    assert 'id="inbox-link"' in header and '<span class="count">1</span>' in header
    assert outsider.client.get(f"/inbox/{message.pk}/").status_code == 404  # not theirs
    assert case.number not in outsider.client.get("/inbox/").content.decode()
    opened = grid_worker.client.get(f"/inbox/{message.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.number}/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert grid_worker.client.get("/api/v1/notifications?unread=true").json() == []
    [listed] = grid_worker.client.get("/api/v1/notifications").json()
    assert listed["case"] == case.number and listed["read_at"] is not None
    assert outsider.client.get("/api/v1/notifications").json() == []


def test_it_marks_everything_read_at_once(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    for _ in range(3):
        case = file_case(home_grid, commander.user, "0603")  # tells the grid only
        for step in ("accept", "dispatch"):
            services.act(case, step, actor=commander.user)
    assert Notification.objects.filter(user=grid_worker.user, read_at__isnull=True).count() == 3
    grid_worker.client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=grid_worker.user, read_at__isnull=True).exists()
    assert grid_worker.client.get("/inbox/?unread=1").content.decode().count("data-id=") == 0


def test_it_tells_nothing_of_a_case_the_reader_no_longer_sees(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    # A message the worker was sent while the case was theirs (their area has moved since):
    # opening the inbox, its API or the message must not name the case any more.
    case = file_case(Grid.objects.get(code=OTHER_GRID), outsider.user, title="仓库门口堆物")
    notify([grid_worker.user.pk], "case", case.pk, "dispatched", timezone.now())
    [message] = Notification.objects.filter(user=grid_worker.user)

    page = grid_worker.client.get("/inbox/").content.decode()
    inbox = grid_worker.client.get("/api/v1/inbox").json()
    opened = grid_worker.client.get(f"/inbox/{message.pk}/")
    listed = grid_worker.client.get("/api/v1/notifications").json()

    assert case.number not in page and "仓库门口堆物" not in page
    assert "无法查看" in page  # the message is still there, saying what it can
    [shown] = inbox
    assert (shown["subject"], shown["url"]) == ("", "")
    assert case.number not in shown["text"] and "仓库门口堆物" not in shown["text"]
    assert case.number not in opened["Location"]
    assert case.number not in str(listed)
