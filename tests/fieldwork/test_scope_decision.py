"""The scope decision excludes ethnicity (民族), religion (宗教), petitions (上访/信访) and
political attributes (政治面貌) from what Outpost records: field work and the outpost stations
keep none. A field whose name or verbose name (in English or as translated into Chinese) refers
to one of them fails here."""

import re

import pytest
from django.apps import apps
from django.db.models import Field, Model
from django.utils import translation

EXCLUDED = re.compile(
    r"民族|宗教|信仰|上访|信访|政治面貌|党员|党派"
    r"|ethnic|\bnation(al|ality)?\b|religio|faith|petition|politic|party.?member",
    re.IGNORECASE,
)
APPS = ("fieldwork", "stations")


def _fields(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.get_fields(include_hidden=True) if isinstance(f, Field)]


def _words(field: Field) -> list[str]:
    english = str(field.verbose_name)
    with translation.override("zh-hans"):
        chinese = str(field.verbose_name)
    return [field.name, field.attname, english, chinese]


def _offending() -> list[str]:
    found = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in _fields(model):
                hits = [w for w in _words(field) if EXCLUDED.search(w)]
                if hits:
                    found.append(f"{label}.{model.__name__}.{field.name}: {hits}")
    return found


def test_it_keeps_no_field_the_scope_decision_excludes() -> None:
    assert not _offending()


@pytest.mark.parametrize(
    "words",
    [
        "民族",
        "宗教信仰",
        "信访记录",
        "上访人员",
        "政治面貌",
        "ethnicity",
        "religion",
        "petitioner",
        "political status",
    ],
)
def test_it_would_catch_each_excluded_attribute(words: str) -> None:
    assert EXCLUDED.search(words)


def test_it_does_not_catch_the_fields_field_work_needs() -> None:
    for ordinary in ("who was met", "走访对象", "inspection party", "检查部门", "rectify by"):
        assert not EXCLUDED.search(ordinary)
