"""User management an administrator can find and use (issue 12, item 6): the menu item, the area
chosen by name inside the administrator's own areas, no default role, and looking after an
account (disable, enable, unlock, reset its password, revoke its API tokens), each audited."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.accounts.lockout import account_key
from outpost.accounts.models import ApiToken, LoginThrottle, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from tests.conftest import OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
PASSWORD = "Gulou-grid-2026!"


@pytest.fixture
def street_admin(home_grid: Grid) -> Persona:
    street = home_grid.community.code[:9] + "000"
    admin = _persona("street_admin", Role.ADMIN, street)
    grant_role(admin.user, Role.GRID_LEADER, street, actor=None)
    return admin


@pytest.fixture
def member(home_grid: Grid) -> User:
    """A grid leader of the home grid's community: inside the street administrator's area."""
    user = User.objects.create_user("member", password=PASSWORD, display_name="张三")
    grant_role(user, Role.GRID_LEADER, home_grid.community.code, actor=None)
    return user


def act(persona: Persona | Client, username: str, action: str) -> Any:
    client = persona.client if isinstance(persona, Persona) else persona
    return client.post(f"/accounts/users/{username}/{action}/", follow=False)


def search(persona: Persona, q: str, role: str = "") -> list[dict[str, str]]:
    answer = persona.client.get("/accounts/user-areas/", {"q": q, "role": role})
    assert answer.status_code == 200
    results: list[dict[str, str]] = answer.json()["results"]
    return results


def test_it_shows_the_menu_item_to_administrators_only(
    street_admin: Persona, grid_worker: Persona
) -> None:
    assert 'href="/accounts/users/"' in street_admin.client.get("/").content.decode()
    assert 'href="/accounts/users/"' not in grid_worker.client.get("/").content.decode()


def test_it_offers_no_default_role(street_admin: Persona, home_grid: Grid) -> None:
    page = street_admin.client.get("/accounts/users/").content.decode()
    assert '<option value="" selected>请选择</option>' in page
    data = {"username": "newcomer", "display_name": "新人", "password": PASSWORD}
    answer = street_admin.client.post("/accounts/users/", data | {"area": "x"})
    assert answer.status_code == 200 and answer.context["form"].errors["role"]
    assert not User.objects.filter(username="newcomer").exists()


def test_it_adds_a_user_on_an_area_named_not_coded(street_admin: Persona, home_grid: Grid) -> None:
    community = home_grid.community
    data = {"username": "newcomer", "display_name": "新人", "password": PASSWORD}
    answer = street_admin.client.post(
        "/accounts/users/", data | {"role": Role.GRID_LEADER, "area": community.name}
    )
    assert answer.status_code == 302
    [held] = User.objects.get(username="newcomer").assignments.all()
    assert (held.role, held.scope_code) == (Role.GRID_LEADER, community.code)


def test_it_refuses_a_role_on_the_wrong_kind_of_area_in_chinese(
    admin: Persona, home_grid: Grid
) -> None:
    data = {"username": "newcomer", "display_name": "新人", "password": PASSWORD}
    answer = admin.client.post(
        "/accounts/users/",
        data | {"role": Role.GRID_WORKER, "area": "", "scope": home_grid.community.code},
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and f"网格员不能分配到{home_grid.community.name}" in page
    assert not User.objects.filter(username="newcomer").exists()


def test_it_finds_areas_by_name_only_inside_the_admins_own(
    street_admin: Persona, home_grid: Grid
) -> None:
    own = search(street_admin, home_grid.community.name)
    assert home_grid.community.code in [r["code"] for r in own]
    other = Grid.objects.select_related("community").get(code=OTHER_GRID).community
    assert search(street_admin, other.name) == []
    street = home_grid.community.code[:9]
    anywhere = search(street_admin, home_grid.name[:1])
    assert anywhere and all(r["code"].startswith(street) or r["kind"] == "beat" for r in anywhere)
    grids_only = search(street_admin, home_grid.name, role=Role.GRID_WORKER)
    assert {r["kind"] for r in grids_only} <= {"grid"}


def test_it_answers_the_area_search_to_administrators_only(
    grid_worker: Persona, anonymous: Client
) -> None:
    assert grid_worker.client.get("/accounts/user-areas/", {"q": "社区"}).status_code == 403
    assert anonymous.get("/accounts/user-areas/", {"q": "社区"}).status_code == 302


def test_it_disables_and_enables_an_account_logged(street_admin: Persona, member: User) -> None:
    ApiToken.objects.create(
        user=member, token_hash="h", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    answer = act(street_admin, "member", "disable")
    assert answer.status_code == 302
    member.refresh_from_db()
    assert not member.is_active and not ApiToken.objects.filter(user=member).exists()
    page = street_admin.client.get(answer.url).content.decode()
    assert "账号已停用" in page
    assert Client().login(username="member", password=PASSWORD) is False
    act(street_admin, "member", "enable")
    member.refresh_from_db()
    assert member.is_active
    logged = ChangeRecord.objects.filter(object_key="member", actor=street_admin.user)
    assert {"disable_user", "enable_user"} <= set(logged.values_list("action", flat=True))


def test_it_unlocks_an_account_logged(street_admin: Persona, member: User) -> None:
    LoginThrottle.objects.create(
        key=account_key("member"), locked_until=timezone.now() + dt.timedelta(minutes=30)
    )
    assert "解锁" in street_admin.client.get("/accounts/users/member/").content.decode()
    assert act(street_admin, "member", "unlock").status_code == 302
    assert not LoginThrottle.objects.filter(key=account_key("member")).exists()
    assert ChangeRecord.objects.filter(object_key="member", action="unlock_user").exists()


def test_it_resets_a_password_shown_once_logged(street_admin: Persona, member: User) -> None:
    answer = act(street_admin, "member", "password")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    shown = answer.context["new_password"]
    member.refresh_from_db()
    assert member.check_password(shown) and not member.check_password(PASSWORD)
    assert shown not in street_admin.client.get("/accounts/users/member/").content.decode()
    assert ChangeRecord.objects.filter(object_key="member", action="reset_password").exists()


def test_it_revokes_api_tokens_logged(street_admin: Persona, member: User) -> None:
    ApiToken.objects.create(
        user=member, token_hash="h", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert act(street_admin, "member", "tokens").status_code == 302
    assert not ApiToken.objects.filter(user=member).exists()
    assert ChangeRecord.objects.filter(object_key="member", action="revoke_tokens").exists()


@pytest.mark.parametrize("action", ["disable", "enable", "unlock", "password", "tokens"])
def test_it_refuses_account_actions_to_others(
    action: str, member: User, grid_worker: Persona, anonymous: Client
) -> None:
    other_admin = _persona("other_admin", Role.ADMIN, OTHER_GRID[:9] + "000")
    assert act(grid_worker, "member", action).status_code == 403
    assert act(other_admin, "member", action).status_code == 404
    assert act(anonymous, "member", action).status_code == 302
    member.refresh_from_db()
    assert member.is_active and member.check_password(PASSWORD)
    assert not ChangeRecord.objects.filter(object_key="member").exclude(action="grant_role")


def test_it_keeps_an_admin_from_disabling_or_resetting_themselves(street_admin: Persona) -> None:
    for action in ("disable", "password"):
        answer = act(street_admin, "street_admin", action)
        assert answer.status_code == 302
    street_admin.user.refresh_from_db()
    assert street_admin.user.is_active and street_admin.user.check_password("x")
    page = street_admin.client.get("/accounts/users/street_admin/").content.decode()
    assert "不能对自己的账号" in page


def test_it_leaves_an_account_with_roles_elsewhere_to_its_wider_admin(
    street_admin: Persona, member: User
) -> None:
    grant_role(member, Role.GRID_LEADER, OTHER_GRID[:12], actor=None)
    assert act(street_admin, "member", "password").status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_it_lets_no_administrator_take_over_another_of_the_same_area_or_above(
    db: None, home_grid: Any
) -> None:
    """Two administrators of one street cannot disable, reset or unseat each other, nor the
    district's administrator who also holds a role in the street; a grid worker there they can."""
    from django.core.exceptions import PermissionDenied

    from outpost.accounts import delegation
    from outpost.accounts.models import RoleAssignment

    street = home_grid.community.code[:9] + "000"
    a = User.objects.create_user("street_admin_a", password="x")
    b = User.objects.create_user("street_admin_b", password="x")
    boss = User.objects.create_user("district_admin", password="x")
    worker = User.objects.create_user("street_worker", password="x")
    grant_role(a, Role.ADMIN, street, actor=None)
    grant_role(b, Role.ADMIN, street, actor=None)
    grant_role(boss, Role.ADMIN, "320106000000", actor=None)
    grant_role(boss, Role.GRID_WORKER, home_grid.code, actor=None)
    grant_role(worker, Role.GRID_WORKER, home_grid.code, actor=None)
    for target in (b, boss):
        assert not delegation.fully_managed(a, target)
        with pytest.raises(PermissionDenied):
            delegation.reset_password(a, target)
    with pytest.raises(PermissionDenied):
        delegation.revoke(a, RoleAssignment.objects.get(user=b, role=Role.ADMIN))
    with pytest.raises(PermissionDenied):  # the district administrator's street role
        delegation.revoke(a, RoleAssignment.objects.get(user=boss, role=Role.GRID_WORKER))
    assert delegation.fully_managed(a, worker)
    assert delegation.fully_managed(boss, a)  # the district's administrator looks after A
