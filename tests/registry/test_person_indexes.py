"""A person's two keyed hashes are looked up whole, never by prefix: each has one index (the ID
number's unique), not PostgreSQL's extra "_like" twin, which at 1/10 江苏 was 843 MB apiece and
one more index every import wrote into (migration 0007)."""

import pytest
from django.db import IntegrityError, connection, transaction

from outpost.registry.models import Person

pytestmark = pytest.mark.django_db

HASHES = ("id_number_hash", "phone_hash")


def test_it_keeps_one_index_for_each_hash_of_a_person() -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    alone = [[name] for name in HASHES]  # an index of the hash column by itself
    covering = sorted(c["columns"][0] for c in found.values() if c["columns"] in alone)
    assert covering == ["id_number_hash", "phone_hash"]


def test_it_still_refuses_two_people_with_one_id_number() -> None:
    first, second = Person.objects.order_by("pk")[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=second.pk).update(id_number_hash=first.id_number_hash)
    assert Person.objects.filter(id_number_hash=first.id_number_hash).count() == 1
