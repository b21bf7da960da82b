"""THE scope function: `restrict` narrows any scoped model, `get_for_user` answers 404 outside the
user's area and 403 inside it without the right.

Each expectation is derived from the data: the division tree (parent links and codes), the
station covering a street (`PoliceUnit.street`) and the overlay table.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import ROLE_RULES, Role
from outpost.accounts.scope import can, get_for_user, restrict
from outpost.accounts.services import grant_role
from outpost.core.models import ChangeRecord
from outpost.geo.models import (
    CommandRoom,
    Division,
    Grid,
    GridBeatOverlap,
    OutpostStation,
    PoliceBeat,
    PoliceUnit,
)
from tests.conftest import Persona

SCOPED: list[type[Model]] = [
    Division,
    Grid,
    PoliceUnit,
    PoliceBeat,
    OutpostStation,
    CommandRoom,
]
CIVIL_LENGTHS = (2, 4, 6, 9, 12)


def visible(model: type[Model], user: object, action: str = "view") -> set[str]:
    return set(restrict(model._default_manager.all(), user, action).values_list("code", flat=True))


def codes(queryset: QuerySet[Any]) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def lineage(division: Division) -> set[str]:
    """The division and every ancestor, following the parent links."""
    out = set()
    node: Division | None = division
    while node is not None:
        out.add(node.code)
        node = node.parent
    return out


def ancestors_by_code(code: str) -> set[str]:
    """The 12-digit codes of the divisions above a grid or division code, from its digits."""
    return {code[:n].ljust(12, "0") for n in CIVIL_LENGTHS if n < len(code)}


def fresh(user: User) -> User:
    """The user as a new request would load it (scopes are cached on the instance)."""
    return User.objects.get(pk=user.pk)


# --- the function itself ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ChangeRecord, RoleAssignment, GridBeatOverlap])
def test_it_refuses_to_restrict_a_model_without_a_scope_rule(
    admin: Persona, model: type[Model]
) -> None:
    with pytest.raises(TypeError, match=model.__name__):
        restrict(model._default_manager.all(), admin.user)


@pytest.mark.django_db
def test_it_shows_nothing_to_a_user_without_a_role(nobody: Persona) -> None:
    for model in SCOPED:
        assert not restrict(model._default_manager.all(), nobody.user).exists(), model


@pytest.mark.django_db
@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_it_shows_nothing_to_an_anonymous_caller(user: object) -> None:
    for model in SCOPED:
        assert not restrict(model._default_manager.all(), user).exists(), model


@pytest.mark.django_db
def test_it_shows_a_superuser_everything_without_any_role() -> None:
    root = User.objects.create_superuser(username="root", password="x")
    assert not root.assignments.exists()

    for model in SCOPED:
        manager = model._default_manager
        assert restrict(manager.all(), root).count() == manager.count() > 0, model
        assert restrict(manager.all(), root, "change").count() == manager.count(), model


@pytest.mark.django_db
def test_it_shows_nothing_to_a_deactivated_user(grid_worker: Persona, admin: Persona) -> None:
    assert visible(Grid, fresh(grid_worker.user))
    for persona in (grid_worker, admin):
        persona.user.is_active = False
        persona.user.save(update_fields=["is_active"])

    for persona in (grid_worker, admin):
        user = fresh(persona.user)
        for model in SCOPED:
            assert not restrict(model._default_manager.all(), user).exists(), model


@pytest.mark.django_db
def test_it_shows_nothing_to_a_deactivated_superuser() -> None:
    root = User.objects.create_superuser(username="root", password="x")
    root.is_active = False
    root.save(update_fields=["is_active"])

    assert not restrict(Grid.objects.all(), fresh(root)).exists()


# --- street and station ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_a_street_commander_the_street_and_the_station_covering_it(
    commander: Persona, home_grid: Grid
) -> None:
    street = home_grid.community.parent
    station = PoliceUnit.objects.get(street=street)

    grids = visible(Grid, commander.user)
    beats = visible(PoliceBeat, commander.user)

    assert grids == codes(Grid.objects.filter(community__parent=street))
    assert beats == codes(PoliceBeat.objects.filter(station=station))
    assert not codes(Grid.objects.exclude(community__parent=street)) & grids
    assert not codes(PoliceBeat.objects.exclude(station=station)) & beats


@pytest.mark.django_db
def test_it_shows_a_street_commander_no_division_of_another_street(
    commander: Persona, home_grid: Grid
) -> None:
    street = home_grid.community.parent
    subtree = {street.code} | codes(Division.objects.filter(parent=street))

    divisions = visible(Division, commander.user)

    assert divisions == subtree | lineage(street)
    others = Division.objects.filter(level__in=["street", "community"]).exclude(code__in=subtree)
    assert not codes(others) & divisions


@pytest.mark.django_db
def test_it_shows_a_duty_officer_the_grids_of_the_street_their_station_covers(
    duty_officer: Persona, home_grid: Grid
) -> None:
    assert home_grid.main_beat is not None
    station = home_grid.main_beat.station
    assert station.street is not None

    assert visible(Grid, duty_officer.user) == codes(
        Grid.objects.filter(community__parent=station.street)
    )
    assert visible(PoliceBeat, duty_officer.user) == codes(station.beats.all())
    rooms = restrict(CommandRoom.objects.all(), duty_officer.user)
    assert list(rooms.values_list("station__code", flat=True)) == [station.code]


# --- grids and beats see each other through the overlay ---------------------------------------


@pytest.mark.django_db
def test_it_shows_a_grid_worker_their_grid_and_the_beats_over_it(
    grid_worker: Persona, home_grid: Grid
) -> None:
    overlay = GridBeatOverlap.objects.filter(grid=home_grid)

    assert visible(Grid, grid_worker.user) == {home_grid.code}
    assert visible(PoliceBeat, grid_worker.user) == set(
        overlay.values_list("beat__code", flat=True)
    )


@pytest.mark.django_db
def test_it_shows_an_officer_the_grids_their_beat_covers(officer: Persona, home_grid: Grid) -> None:
    beat = home_grid.main_beat
    assert beat is not None
    overlay = GridBeatOverlap.objects.filter(beat=beat)

    assert visible(PoliceBeat, officer.user) == {beat.code}
    assert visible(Grid, officer.user) == set(overlay.values_list("grid__code", flat=True))


@pytest.mark.django_db
def test_it_shows_a_grid_worker_exactly_the_divisions_above_their_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    divisions = visible(Division, grid_worker.user)

    assert divisions == lineage(home_grid.community)
    assert divisions == ancestors_by_code(home_grid.code) & codes(Division.objects.all())
    levels = set(Division.objects.filter(code__in=divisions).values_list("level", flat=True))
    assert {"district", "street", "community"} <= levels


@pytest.mark.django_db
def test_it_shows_an_officer_the_divisions_above_the_grids_of_their_beat(
    officer: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None
    grids = Grid.objects.filter(beat_overlaps__beat=beat).select_related("community")

    expected = set().union(*(lineage(g.community) for g in grids))

    assert visible(Division, officer.user) == expected


@pytest.mark.django_db
def test_it_shows_a_grid_worker_the_police_units_above_the_beats_over_their_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    expected: set[str] = set()
    for beat in PoliceBeat.objects.filter(grid_overlaps__grid=home_grid):
        unit: PoliceUnit | None = beat.station
        while unit is not None:
            expected.add(unit.code)
            unit = unit.parent

    assert visible(PoliceUnit, grid_worker.user) == expected


@pytest.mark.django_db
def test_it_shows_a_grid_worker_the_outpost_of_their_community_only(
    grid_worker: Persona, home_grid: Grid
) -> None:
    outposts = restrict(OutpostStation.objects.all(), grid_worker.user)

    assert list(outposts.values_list("community__code", flat=True)) == [home_grid.community.code]


# --- get_for_user ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_404_for_a_grid_outside_the_users_area(
    outsider: Persona, home_grid: Grid
) -> None:
    with pytest.raises(Http404):
        get_for_user(Grid.objects.all(), outsider.user, code=home_grid.code)
    with pytest.raises(Http404):
        get_for_user(Grid.objects.all(), outsider.user, "change", code=home_grid.code)


@pytest.mark.django_db
def test_it_answers_404_for_a_grid_that_does_not_exist(admin: Persona) -> None:
    with pytest.raises(Http404):
        get_for_user(Grid.objects.all(), admin.user, code="320106999999999")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["grid_worker", "officer", "duty_officer"])
def test_it_answers_403_for_a_change_by_a_view_only_role_inside_the_area(
    request: pytest.FixtureRequest, home_grid: Grid, persona: str
) -> None:
    user = request.getfixturevalue(persona).user
    assert not ROLE_RULES[Role(user.assignments.get().role)].actions >= {"change"}

    assert get_for_user(Grid.objects.all(), user, code=home_grid.code) == home_grid
    with pytest.raises(PermissionDenied):
        get_for_user(Grid.objects.all(), user, "change", code=home_grid.code)
    assert not can(user, "change", home_grid)


@pytest.mark.django_db
def test_it_lets_a_street_commander_change_a_grid_of_their_street(
    commander: Persona, home_grid: Grid
) -> None:
    assert get_for_user(Grid.objects.all(), commander.user, "change", code=home_grid.code) == (
        home_grid
    )
    assert can(commander.user, "change", home_grid)


@pytest.mark.django_db
def test_it_lets_a_user_change_only_where_a_managing_role_reaches(
    grid_worker: Persona, home_grid: Grid
) -> None:
    # A view-only grid worker who also commands another street may change that street's grids,
    # but still not their own grid.
    other = Division.objects.filter(level="street").exclude(pk=home_grid.community.parent_id)
    street = other.order_by("code").first()
    assert street is not None
    grant_role(grid_worker.user, Role.STREET_COMMANDER, street.code, actor=None)
    user = fresh(grid_worker.user)
    theirs = Grid.objects.filter(community__parent=street).order_by("code").first()
    assert theirs is not None

    assert get_for_user(Grid.objects.all(), user, "change", code=theirs.code) == theirs
    with pytest.raises(PermissionDenied):
        get_for_user(Grid.objects.all(), user, "change", code=home_grid.code)


# --- grant_role ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "area"),
    [
        (Role.GRID_WORKER, "beat"),
        (Role.COMMUNITY_OFFICER, "grid"),
        (Role.STREET_COMMANDER, "station"),
        (Role.DUTY_OFFICER, "street"),
    ],
)
def test_it_refuses_a_role_on_the_wrong_kind_of_area(
    nobody: Persona, home_grid: Grid, role: Role, area: str
) -> None:
    assert home_grid.main_beat is not None
    code = {
        "beat": home_grid.main_beat.code,
        "grid": home_grid.code,
        "station": home_grid.main_beat.station.code,
        "street": home_grid.community.parent.code,
    }[area]

    with pytest.raises(ValidationError):
        grant_role(nobody.user, role, code, actor=None)

    assert not nobody.user.assignments.exists()
    assert not visible(Grid, fresh(nobody.user))


@pytest.mark.django_db
def test_it_refuses_a_role_on_a_code_that_names_no_area(nobody: Persona) -> None:
    with pytest.raises(ValidationError):
        grant_role(nobody.user, Role.GRID_WORKER, "320106999999999", actor=None)

    assert not nobody.user.assignments.exists()
