"""前端采、民警核 decided once: a user who collects in one place and verifies in another leaves a
record in the same state whether they edit it on the page or bring it in by file."""

import pytest

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.models import Grid
from outpost.registry.jobs import import_file_task
from outpost.registry.models import ImportJob, Person, StandardAddress
from outpost.registry.services import update_person
from tests.conftest import HOME_GRID, OTHER_GRID
from tests.registry.data import RegistryData, as_csv
from tests.registry.helpers import loaded_in_grid, new_person_row

pytestmark = pytest.mark.django_db


def _collector_here_officer_elsewhere() -> User:
    user = User.objects.create_user(username="two_roles", password="x", display_name="两职")
    elsewhere = Grid.objects.get(code=OTHER_GRID).main_beat
    assert elsewhere is not None
    grant_role(user, Role.GRID_WORKER, HOME_GRID, actor=None)
    grant_role(user, Role.COMMUNITY_OFFICER, elsewhere.code, actor=None)
    return user


def test_it_gives_a_collector_who_is_an_officer_elsewhere_the_same_state_on_both_paths(
    registry_data: RegistryData,
) -> None:
    user = _collector_here_officer_elsewhere()
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room")[0]
    like = next(iter(loaded_in_grid(registry_data, HOME_GRID).values()))
    row = new_person_row(like, room.code, 903)

    job = ImportJob.objects.create(
        kind="persons", filename="new.csv", data=as_csv([row]), created_by=user
    )
    import_file_task.call(job.pk)
    uploaded = Person.objects.get(name=row["name"])

    edited = Person.objects.filter(grid_code=HOME_GRID, state="verified").exclude(pk=uploaded.pk)[0]
    edited = update_person(edited, actor=user, changes={"name": edited.name + "改"})

    assert (uploaded.state, edited.state) == ("pending", "pending")
