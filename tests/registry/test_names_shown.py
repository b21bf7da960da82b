"""No leftovers (issue 12, item 7): pages name grids and beats instead of showing bare codes,
name an import's kind and a person's name (姓名) in Chinese."""

import pytest
from django.urls import reverse

from outpost.registry.models import ImportJob, StandardAddress
from outpost.registry.templatetags.registry_tags import edit_field_label
from tests.conftest import HOME_GRID, Persona
from tests.registry.data import RegistryData
from tests.registry.helpers import loaded_in_grid, workbook_rows

pytestmark = pytest.mark.django_db


def test_it_names_the_grid_of_a_person_and_of_an_address(
    registry_data: RegistryData, grid_worker: Persona, home_grid: object
) -> None:
    number = next(iter(loaded_in_grid(registry_data, HOME_GRID)))
    page = grid_worker.client.get(reverse("registry:person", args=[number])).content.decode()
    grid_name = home_grid.name  # type: ignore[attr-defined]
    assert f'{grid_name} <span class="code">{HOME_GRID}</span>' in page
    address = StandardAddress.objects.filter(grid_code=HOME_GRID).first()
    assert address is not None
    page = grid_worker.client.get(reverse("registry:address", args=[address.code])).content.decode()
    assert f'{grid_name} <span class="code">{HOME_GRID}</span>' in page


def test_it_names_an_imports_kind_in_chinese(grid_worker: Persona) -> None:
    ImportJob.objects.create(
        kind="persons", filename="people.csv", data=b"", created_by=grid_worker.user
    )
    page = grid_worker.client.get(reverse("registry:imports")).content.decode()
    assert "<td>实有人口</td>" in page and "<td>persons</td>" not in page


def test_it_labels_a_persons_name_as_their_full_name(grid_worker: Persona) -> None:
    assert edit_field_label("name", "person") == "姓名"
    assert edit_field_label("name", "organisation") != "姓名"
    form = grid_worker.client.get(reverse("registry:person_new")).content.decode()
    assert '<label for="id_name">姓名' in form


def test_it_names_the_grid_beside_its_code_in_the_export(
    registry_data: RegistryData, officer: Persona, home_grid: object
) -> None:
    body = officer.client.get(reverse("registry:export", args=["people"])).content
    header, rows, _sheet = workbook_rows(body)
    code, name = header.index("网格编码"), header.index("网格")
    grid_name = home_grid.name  # type: ignore[attr-defined]
    assert rows and all(r[name] == grid_name for r in rows if r[code] == HOME_GRID)
