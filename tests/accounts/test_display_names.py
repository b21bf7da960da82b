"""A staff member's name is plain text (issue 10, item 4): shown on the duty roster, the board's
on-duty line and the map's popups, it may not carry markup or control characters."""

import pytest

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.models import Grid
from tests.accounts.test_delegation import add
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_admin(home_grid: Grid) -> Persona:
    street = home_grid.community.code[:9] + "000"
    admin = _persona("street_admin", Role.ADMIN, street)
    grant_role(admin.user, Role.GRID_LEADER, street, actor=None)
    return admin


@pytest.mark.parametrize("name", ['<img src=x onerror="alert(1)">', "王\u202e伟"])
def test_it_refuses_a_staff_name_with_markup_or_control_characters(
    home_grid: Grid,
    street_admin: Persona,
    name: str,
) -> None:
    answer = add(
        street_admin, role=Role.GRID_LEADER, scope=home_grid.community.code, display_name=name
    )

    assert answer.status_code == 200
    assert "名称不能包含" in answer.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_it_still_adds_a_staff_member_with_an_ordinary_name(
    home_grid: Grid,
    street_admin: Persona,
) -> None:
    answer = add(
        street_admin,
        role=Role.GRID_LEADER,
        scope=home_grid.community.code,
        display_name="阿依·买买提",
    )
    assert answer.status_code == 302
    assert User.objects.get(username="newcomer").display_name == "阿依·买买提"
