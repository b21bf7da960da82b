"""The administrators' page for Open311 API keys."""

import pytest
from django.test import Client

from outpost.core.models import ChangeRecord
from outpost.open311 import keys
from outpost.open311.models import ApiKey
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
PAGE = "/open311/keys/"


def test_it_creates_a_key_and_shows_it_once(admin: Persona) -> None:
    answer = admin.client.post(PAGE, {"name": "随手拍", "owner": "市民应用", "posts_per_hour": "5"})
    assert answer.status_code == 200
    row = ApiKey.objects.get()
    shown = answer.context["created"]
    assert keys.key_for(shown) == row and row.posts_per_hour == 5 and row.created_by == admin.user
    assert shown in answer.content.decode()
    again = admin.client.get(PAGE).content.decode()
    assert shown not in again and row.prefix in again


def test_it_deactivates_a_key(admin: Persona) -> None:
    key, row = keys.create_key(admin.user, "a", "b", 10)
    answer = admin.client.post(f"/open311/keys/{row.pk}/deactivate/")
    assert answer.status_code == 302
    assert keys.key_for(key) is None
    assert ChangeRecord.objects.filter(object_type="open311.apikey", action="deactivate").exists()
    assert admin.client.post("/open311/keys/9999/deactivate/").status_code == 404


def test_it_refuses_bad_input_without_writing(admin: Persona) -> None:
    answer = admin.client.post(PAGE, {"name": "", "owner": "x", "posts_per_hour": "0"})
    assert answer.status_code == 200 and not ApiKey.objects.exists()
    assert answer.context["form"].errors.keys() == {"name", "posts_per_hour"}


def test_it_is_for_administrators_only(
    admin: Persona, outsider: Persona, grid_worker: Persona, commander: Persona
) -> None:
    _, row = keys.create_key(admin.user, "a", "b", 10)
    for persona in (outsider, grid_worker, commander):
        assert persona.client.get(PAGE).status_code == 403
        assert (
            persona.client.post(PAGE, {"name": "x", "owner": "y", "posts_per_hour": 1}).status_code
            == 403
        )
        assert persona.client.post(f"/open311/keys/{row.pk}/deactivate/").status_code == 403
    assert Client().get(PAGE).status_code == 302
    assert ApiKey.objects.filter(active=True).count() == 1
