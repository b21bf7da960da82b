"""The inbox moved out of cases (issue 11, item 9): the migration copies every case message into
`notifications.Notification`, ids and read marks kept, and new messages continue after them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from outpost.notifications.services import notify
from tests.cases.conftest import file_case
from tests.conftest import Persona

BEFORE = [("cases", "0006_followup_spacing"), ("notifications", "0001_initial")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("district_reloaded")
def test_it_moves_case_messages_with_their_ids_and_read_marks(
    home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    case = file_case(home_grid, commander.user, title="楼道堆物")
    Notification.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("cases", "Notification")
    now = timezone.now()
    kept = {"user_id": grid_worker.user.pk, "case_id": case.pk, "created_at": now}
    old.objects.create(pk=41, event="dispatched", read_at=now, **kept)
    old.objects.create(pk=42, event="card_red", **kept)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = [
        (n.pk, n.subject_kind, n.subject_id, n.event, n.read_at is not None)
        for n in Notification.objects.order_by("pk")
    ]
    assert moved == [
        (41, "case", case.pk, "dispatched", True),
        (42, "case", case.pk, "card_red", False),
    ]
    notify([grid_worker.user.pk], "case", case.pk, "closed", now)
    assert Notification.objects.order_by("-pk").first().pk > 42  # the ids continue after them
    page = grid_worker.client.get("/inbox/").content.decode()
    assert f"红牌督办：{case.number} 楼道堆物" in page
