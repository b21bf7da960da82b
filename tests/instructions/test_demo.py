"""The demo: groups from the registry, two instructions with progress (one overdue), a notice
and a key work item, made once however often it runs."""

from typing import Any

import pytest
from django.utils import timezone

from outpost.accounts.demo import create_demo_accounts
from outpost.accounts.roles import Role
from outpost.instructions.demo import DELIVERY, HOTELS, create_demo_instructions
from outpost.instructions.models import Instruction, Notice, RecipientState, WorkItem
from outpost.registry.models import Organisation
from tests.conftest import _persona

pytestmark = pytest.mark.django_db


def test_it_makes_the_demo_once(organisations: Any, department: Any) -> None:
    create_demo_accounts()
    # The roster's grid workers of the street's delivery stations (the demo runs after it).
    stations = Organisation.objects.filter(unit_type="寄递物流", grid_code__startswith="320106001")
    for code in set(stations.values_list("grid_code", flat=True)):
        _persona(f"gw{code}", Role.GRID_WORKER, code)
    first = create_demo_instructions()
    assert first == create_demo_instructions()
    assert first == {"groups": 2, "instructions": 2, "work_items": 1}
    hotels = Instruction.objects.get(title=HOTELS)
    states = {r.key: r.state for r in hotels.recipients.all()}
    assert any(k.startswith("group") for k in states) is False
    assert (
        RecipientState.REPORTED in states.values() and RecipientState.SIGNED_ON in states.values()
    )
    assert hotels.groups.count() == 1 and hotels.sent_by.username == "commander"
    delivery = Instruction.objects.get(title=DELIVERY)
    assert delivery.deadline < timezone.now()
    assert delivery.recipients.filter(state=RecipientState.DONE).count() == 1
    assert Notice.objects.count() == 1
    assert WorkItem.objects.get().percent == 50
