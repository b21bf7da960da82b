"""Users and roles managed in the product, delegated down the tree (分级授权)."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from tests.conftest import OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
PASSWORD = "Gulou-grid-2026!"


@pytest.fixture
def street_admin(home_grid: Grid) -> Persona:
    """The administrator of the home grid's street, also holding the grid worker's role there."""
    street = home_grid.community.code[:9] + "000"
    admin = _persona("street_admin", Role.ADMIN, street)
    grant_role(admin.user, Role.GRID_LEADER, street, actor=None)
    return admin


def add(persona: Persona, **fields: str) -> Any:
    data = {"username": "newcomer", "display_name": "新网格员", "password": PASSWORD} | fields
    return persona.client.post("/accounts/users/", data)


def test_it_lets_a_street_admin_add_users_only_inside_the_street(
    home_grid: Grid, street_admin: Persona
) -> None:
    inside = add(street_admin, role=Role.GRID_LEADER, scope=home_grid.community.code)
    assert inside.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.check_password(PASSWORD)
    [held] = user.assignments.all()
    assert (held.role, held.scope_code, held.granted_by) == (
        Role.GRID_LEADER,
        home_grid.community.code,
        street_admin.user,
    )
    other_street = Grid.objects.get(code=OTHER_GRID).community.code
    outside = add(street_admin, username="elsewhere", role=Role.GRID_LEADER, scope=other_street)
    assert outside.status_code == 200 and "只能在自己的辖区内" in outside.content.decode()
    assert not User.objects.filter(username="elsewhere").exists()
    audit = ChangeRecord.objects.filter(object_key="newcomer").values_list("action", flat=True)
    assert set(audit) == {"create_user", "grant_role"}


def test_it_grants_only_roles_the_admin_holds(home_grid: Grid, street_admin: Persona) -> None:
    refused = add(street_admin, role=Role.COMMUNITY_OFFICER, scope=home_grid.main_beat.code)
    assert refused.status_code == 200 and not User.objects.filter(username="newcomer").exists()
    district_admin = _persona("root", Role.ADMIN, "320106000000")
    assert (
        add(district_admin, role=Role.COMMUNITY_OFFICER, scope=home_grid.main_beat.code).status_code
        == 302
    )


def test_it_refuses_weak_passwords_and_taken_names(home_grid: Grid, street_admin: Persona) -> None:
    weak = add(
        street_admin, password="12345678", role=Role.GRID_LEADER, scope=home_grid.community.code
    )
    assert weak.status_code == 200 and not User.objects.filter(username="newcomer").exists()
    taken = add(
        street_admin,
        username=street_admin.user.username,
        role=Role.GRID_LEADER,
        scope=home_grid.community.code,
    )
    assert "用户名已存在" in taken.content.decode()


def test_it_shows_and_changes_only_users_of_the_area(
    home_grid: Grid, street_admin: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    listed = street_admin.client.get("/accounts/users/").content.decode()
    assert 'data-user="worker_p"' in listed and 'data-user="outsider_p"' not in listed
    assert street_admin.client.get("/accounts/users/outsider_p/").status_code == 404
    assert grid_worker.client.get("/accounts/users/").status_code == 403  # not an admin
    assert grid_worker.client.get("/accounts/users/worker_p/").status_code == 403
    page = street_admin.client.get("/accounts/users/worker_p/")
    assert page.status_code == 200
    held = RoleAssignment.objects.get(user=grid_worker.user)
    street_admin.client.post("/accounts/users/worker_p/", {"revoke": held.pk})
    assert not RoleAssignment.objects.filter(pk=held.pk).exists()
    assert ChangeRecord.objects.filter(action="revoke_role", object_key="worker_p").exists()


def test_it_adds_users_from_the_command_line(
    home_grid: Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "users",
        "add",
        "cli_worker",
        "--role",
        Role.GRID_WORKER,
        "--scope",
        home_grid.code,
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="cli_worker")
    assert user.check_password(PASSWORD) and "新建用户 cli_worker" in out.getvalue()
    assert user.assignments.get().scope_code == home_grid.code
    with pytest.raises(CommandError, match=r"没有编码|No area"):
        call_command(
            "users", "add", "cli_worker", "--role", Role.GRID_WORKER, "--scope", "999", stdout=out
        )


def test_it_resets_a_lost_authenticator_from_the_command_line(grid_worker: Persona) -> None:
    from outpost.accounts.models import TotpDevice
    from outpost.accounts.signin import start_enrolment

    start_enrolment(grid_worker.user, actor=grid_worker.user)
    assert TotpDevice.objects.filter(user=grid_worker.user).exists()
    out = io.StringIO()
    call_command("users", "reset-2fa", grid_worker.user.username, stdout=out)
    assert not TotpDevice.objects.filter(user=grid_worker.user).exists()
    assert "已清除" in out.getvalue()
    assert ChangeRecord.objects.filter(action="reset_totp", object_key="worker_p").exists()
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("users", "reset-2fa", "nobody_at_all", stdout=out)


def test_it_finds_users_by_name_on_a_paged_list(
    home_grid: Grid, street_admin: Persona, grid_worker: Persona
) -> None:
    found = street_admin.client.get("/accounts/users/", {"q": "worker"}).content.decode()
    assert 'data-user="worker_p"' in found and 'data-user="street_admin"' not in found
