"""What a user may act on as a case's unit (the HANDLER relation) and what they see and list
agree (review of stop 20): a community's cases reach the officers of every beat that is main
beat of one of its grids (its 警务室); such an officer, told of the dispatch, must find the case
in "My unit's cases", open it and sign on, not meet a 404."""

import json
from typing import Any

import pytest
from django.urls import reverse

from outpost.accounts.roles import Role
from outpost.cases import queries, services
from outpost.cases.models import Case
from outpost.cases.workflow import Relation
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import _persona

pytestmark = pytest.mark.django_db


def _case_and_other_beat(reporter: Any) -> tuple[Case, str]:
    """A case in a community with grids of two main beats, and the beat that is not the case's."""
    grids = Grid.objects.filter(main_beat__isnull=False).select_related("community", "main_beat")
    by_community: dict[str, list[Grid]] = {}
    for grid in grids.order_by("code"):
        by_community.setdefault(grid.community.code, []).append(grid)
    for members in by_community.values():
        beats = {g.main_beat.code for g in members if g.main_beat}
        if len(beats) > 1:
            case = file_case(members[0], reporter, "0603")
            others = [b for b in beats if not b.startswith(case.beat_code or "-")]
            if case.beat_code and others:
                return case, sorted(others)[0]
    raise AssertionError("no community with grids of two main beats")


def test_it_shows_a_community_officer_the_case_their_communitys_dispatch_gives_them(
    chief: Any,
) -> None:
    case, beat = _case_and_other_beat(chief)
    officer = _persona("officer_c", Role.COMMUNITY_OFFICER, beat)
    services.act(case, "accept", actor=chief)
    to_community = {"kind": "community", "code": case.grid_code[:12], "lead": True}
    services.act(case, "dispatch", actor=chief, payload={"targets": [to_community]})
    assert Notification.objects.filter(user=officer.user, subject_id=case.pk).exists()
    assert Relation.HANDLER in services.relations_for(case, officer.user)

    # What they may act on, they see and list.
    assert list(queries.handled_by(officer.user).values_list("pk", flat=True)) == [case.pk]
    listed = officer.client.get(reverse("cases:queue"), {"tab": "units"}).content.decode()
    assert f'data-number="{case.number}"' in listed
    url = f"/api/v1/cases/{case.number}"
    assert officer.client.get(url).status_code == 200
    signed = officer.client.post(
        f"{url}/actions/sign_on", json.dumps({}), content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["state"] == "handling"
