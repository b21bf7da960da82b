"""Fuzzing the pages: every page route of the permission matrix, by a persona the route lets
through (so the view really reads its input), asked with hostile values in each query parameter
it reads and posted hostile values in each form field it reads. No answer may be a server error.

Which parameters a page reads is observed, not declared: a first request offers every name any
page or form uses and records the names the view asked its QueryDict for; each of those is then
sent alone with each hostile value (one bad field must reach the code that uses it, not be
hidden behind another field's error). For form posts the rest of the matrix's own request stays
as it was."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from outpost.cases.workflow import ACTIONS
from tests.matrix_world import PERSONAS, World
from tests.test_permission_matrix import CHECKS, OK, Check, _filled, media_in_tmp, world

__all__ = ["media_in_tmp", "world"]  # the matrix's fixtures, used here too
pytestmark = pytest.mark.django_db

HOSTILE = (
    "9" * 30,  # beyond 64 bits
    "-1",
    "9999-12-31",
    "0001-01-01T00:00",
    "a\x00b",
    "<script>alert(1)</script>" + "长" * 3000,
    "１２３",  # full-width digits: str.isdigit() and int() accept them
)
FORM_MODULES = (
    "outpost.academy.forms",
    "outpost.accounts.forms",
    "outpost.calls.forms",
    "outpost.cases.forms",
    "outpost.command.forms",
    "outpost.instructions.forms",
    "outpost.portal.forms",
    "outpost.registry.forms",
)
QUERY_NAMES = (
    "page",
    "tab",
    "q",
    "unread",
    "wall",
    "code",
    "next",
    "after",
    "limit",
    "offset",
    "new",
    "step",
    "case",
    "period",
    "unit",
    "part",
)


def _offered_names() -> list[str]:
    """Every field name of every form in Outpost (the case action forms also under their
    action's prefix), and the query parameters pages read directly."""
    names: set[str] = {"version", "number", "only", "units", "lead", "escalate", *QUERY_NAMES}
    for module in FORM_MODULES:
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                names |= set(value.base_fields)
    names |= {f"{action}-{name}" for action in ACTIONS for name in list(names)}
    return sorted(names)


OFFERED = _offered_names()
PAGES = [c for c in CHECKS if not c.is_api]


@contextmanager
def reads_recorded() -> Iterator[set[str]]:
    """The keys views and forms look up in request.GET and request.POST (QueryDicts) by
    name (not those merely listed, as when a page copies its whole query string)."""
    seen: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist")}

    def recording(name: str) -> Any:
        def read(self: MultiValueDict, key: Any, *args: Any) -> Any:
            if isinstance(self, QueryDict):
                seen.add(key)
            return originals[name](self, key, *args)

        return read

    for name in originals:
        setattr(MultiValueDict, name, recording(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def _persona(check: Check) -> str:
    """The first signed-in persona the route lets through; the administrator for public pages."""
    let = [p for p in PERSONAS if check.rule.answers[p] == OK and p != "anonymous"]
    return let[0] if let else "admin"


def _ask(world: World, persona: str, method: str, path: str, data: dict[str, Any]) -> Any:
    client = world.client(persona)
    client.raise_request_exception = False
    with transaction.atomic():
        answer = getattr(client, method)(path, data)
        transaction.set_rollback(True)
    return answer


def _read_names(world: World, persona: str, method: str, path: str, base: dict) -> list[str]:
    with reads_recorded() as seen:
        _ask(world, persona, method, path, {**dict.fromkeys(OFFERED, "1"), **base})
    return sorted(seen & set(OFFERED))


@pytest.mark.parametrize("check", PAGES, ids=[c.key for c in PAGES])
def test_it_answers_hostile_parameters_and_forms_without_a_server_error(
    world: World, check: Check
) -> None:
    persona = _persona(check)
    path = world.fill(check.path).split("?")[0]
    query = QueryDict(world.fill(check.path).partition("?")[2]).dict()
    posted = _filled(check.data or {}, world) if check.method == "POST" else {}
    base = {"get": query, "post": {k: v for k, v in posted.items() if isinstance(v, str)}}
    failures, tried = [], 0
    for method in ("get", "post"):
        for name in _read_names(world, persona, method, path, base[method]):
            for value in HOSTILE:
                tried += 1
                answer = _ask(world, persona, method, path, {**base[method], name: value})
                if answer.status_code >= 500:
                    failures.append(f"{method.upper()} {name}={value[:24]!r}")
    assert not failures, f"{path} as {persona} ({tried} tried):\n" + "\n".join(failures)
