"""Checklists as data, versioned."""

import copy

import pytest

from outpost.accounts.models import Department
from outpost.fieldwork import checklists
from outpost.fieldwork.models import Checklist

pytestmark = pytest.mark.django_db


def test_it_ships_the_five_checklists_and_the_joint_departments() -> None:
    checklists.load(Checklist, Department)
    assert set(Checklist.objects.values_list("code", flat=True)) >= {
        "fire",
        "hotel",
        "delivery",
        "hazchem",
        "rental",
    }
    delivery = Checklist.objects.filter(code="delivery").order_by("-version").first()
    assert delivery is not None and len(delivery.items) == 3  # 三个100%
    assert Department.objects.filter(code__in=["GA", "XF", "YJ", "SJ"]).count() == 4


def test_it_adds_a_version_only_when_a_list_changes() -> None:
    checklists.load(Checklist, Department)
    assert checklists.load(Checklist, Department) == 0
    data = copy.deepcopy(checklists.read())
    data["checklists"][0]["items"].append({"code": "F9", "text": "新增检查项"})
    assert checklists.load(Checklist, Department, data) == 1
    versions = list(Checklist.objects.filter(code="fire").values_list("version", flat=True))
    assert versions[:2] == [versions[1] + 1, versions[1]]
