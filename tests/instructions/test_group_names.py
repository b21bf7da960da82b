"""A virtual group's name is plain text (issue 10, item 4): markup or control characters in it are
refused on the form, in Chinese, and no group is made."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from outpost.instructions import groups
from outpost.instructions.models import VirtualGroup
from tests.conftest import HOME_GRID, Persona

pytestmark = pytest.mark.django_db
STREET = HOME_GRID[:9] + "000"


@pytest.mark.parametrize("name", ['旅馆<img src=x onerror="alert(1)">', "旅馆\r\n寄递"])
def test_it_refuses_a_group_name_that_is_not_plain_text(
    organisations: object, commander: Persona, name: str
) -> None:
    fields = {"unit_types": ["旅馆业"], "area_code": STREET, "name": name}

    answer = commander.client.post("/instructions/groups/", fields, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert answer.status_code == 200
    assert "名称不能包含" in answer.content.decode()
    assert not VirtualGroup.objects.exists()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        groups.create_group(
            actor=commander.user, unit_types=["旅馆业"], area_code=STREET, name=name
        )
    assert "name" in refused.value.message_dict
    assert not VirtualGroup.objects.exists()


def test_it_still_names_a_group_from_its_area_and_trades(
    organisations: object, commander: Persona
) -> None:
    group = groups.create_group(actor=commander.user, unit_types=["旅馆业"], area_code=STREET)
    assert group.name.endswith("旅馆业")
