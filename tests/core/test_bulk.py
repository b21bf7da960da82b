"""The bulk helpers imports are built on: lookups by many keys, streamed inserts, keys drawn
ahead. Each runs on the database under test (SQLite and PostgreSQL in CI)."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import timezone

from outpost.accounts.models import User
from outpost.core.bulk import drawn_keys, insert_rows, narrowed

pytestmark = pytest.mark.django_db

# Keys a file could hold that an array literal must quote: quotes, backslashes, commas, braces,
# spaces, the word NULL, an empty string, non-ASCII text.
AWKWARD = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", "", "鼓楼\\区", '"', "\\"]
# A user's columns, written without the ORM.
COLUMNS = ["username", "password", "is_superuser", "first_name", "last_name", "email"]
COLUMNS += ["is_staff", "is_active", "date_joined", "display_name"]


def _user(username: str) -> tuple[object, ...]:
    return (username, "", False, "", "", "", False, True, timezone.now(), "")


def _found(values: list[object], field: str = "username") -> set[str]:
    found: set[str] = set()
    for users in narrowed(User.objects.all(), field, values):
        found.update(users.values_list("username", flat=True))
    return found


def test_it_finds_exactly_the_rows_whose_keys_are_named_however_awkward_the_keys() -> None:
    for name in [*AWKWARD, "ab", "cd", "NULLX", "h", "鼓楼区"]:
        User.objects.create(username=name)
    assert _found(list(AWKWARD)) == set(AWKWARD)
    assert _found(["ab", "nobody"]) == {"ab"}
    assert _found([]) == set()


def test_it_finds_rows_by_many_integer_keys() -> None:
    users = [User.objects.create(username=f"u{n}") for n in range(30)]
    wanted = [u.pk for u in users[::3]] + [10**12]  # one key nobody has
    assert _found(wanted, "pk") == {u.username for u in users[::3]}


def test_it_writes_rows_a_generator_makes_as_they_are_asked_for() -> None:
    made: list[str] = []

    def rows() -> Iterator[tuple[str, str]]:
        for n in range(2500):
            made.append(f"g{n}")
            yield _user(f"g{n}")

    insert_rows(User, COLUMNS, rows())
    assert len(made) == 2500
    stored = set(User.objects.filter(username__startswith="g").values_list("username", flat=True))
    assert stored == set(made)
    insert_rows(User, COLUMNS, iter(()))  # nothing to write: nothing written
    assert User.objects.filter(username__startswith="g").count() == 2500


def test_it_writes_rows_with_keys_drawn_ahead_and_the_next_record_gets_a_new_key() -> None:
    keys = drawn_keys(User, 3)
    if connection.vendor != "postgresql":
        assert keys is None  # no sequence to draw from: the importer reads keys back
        return
    assert keys is not None and len(set(keys)) == 3
    insert_rows(User, ["id", *COLUMNS], [(k, *_user(f"k{k}")) for k in keys])
    assert dict(User.objects.filter(pk__in=keys).values_list("pk", "username")) == {
        k: f"k{k}" for k in keys
    }
    assert User.objects.create(username="after").pk > max(keys)
    assert drawn_keys(User, 0) == []
