"""Inspections: a checklist version kept, joint sign-offs, failed items as hazard cases that
close only after a passed re-check."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outpost.accounts.models import Department
from outpost.cases import services as cases
from outpost.cases.workflow import State
from outpost.fieldwork import checklists, services
from outpost.fieldwork.models import Checklist, Inspection
from tests.cases.photos import phone_photo
from tests.conftest import Persona
from tests.fieldwork.conftest import Subjects, newest

pytestmark = pytest.mark.django_db
RECHECK = {"files": [("复查.jpg", phone_photo(rotated=False))], "recheck": "已整改"}


@pytest.fixture
def hotel_check(subjects: Subjects, officer: Persona, checklists_loaded: None) -> Inspection:
    joint = list(Department.objects.filter(code__in=["SJ", "XF"]))
    return services.start_inspection(
        subjects.unit, newest("hotel"), actor=officer.user, departments=joint
    )


def _fail_first(inspection: Inspection, actor: Persona) -> list:
    codes = [i["code"] for i in inspection.checklist.items]
    results = {c: c != codes[0] for c in codes}
    return services.complete_inspection(inspection, results, actor=actor.user)


def test_it_keeps_the_version_it_used(
    hotel_check: Inspection, officer: Persona, subjects: Subjects
) -> None:
    data = checklists.read()
    data["checklists"][1]["items"].append({"code": "H9", "text": "新增项"})
    checklists.load(Checklist, Department, data)
    assert newest("hotel").version == hotel_check.checklist.version + 1
    assert len(Inspection.objects.get(pk=hotel_check.pk).checklist.items) == 4


def test_it_offers_a_checklist_only_for_its_kind_of_place(
    subjects: Subjects, officer: Persona, checklists_loaded: None
) -> None:
    with pytest.raises(ValidationError):
        services.start_inspection(subjects.unit, newest("delivery"), actor=officer.user)
    assert services.start_inspection(subjects.house, newest("rental"), actor=officer.user)


def test_it_opens_a_hazard_case_per_failed_item_with_a_deadline(
    hotel_check: Inspection, officer: Persona, subjects: Subjects
) -> None:
    [hazard] = _fail_first(hotel_check, officer)
    assert hazard.item_code == "H1" and hazard.case.subtype.code == "0201"
    assert hazard.case.address == subjects.address
    assert hazard.rectify_by == timezone.localdate() + dt.timedelta(days=7)
    assert "整改期限" in hazard.case.description
    with pytest.raises(ValidationError):
        _fail_first(hotel_check, officer)  # completed once only


def test_it_gives_the_hazard_case_the_rectification_date_as_its_deadline(
    hotel_check: Inspection, officer: Persona, commander: Persona, grid_worker: Persona
) -> None:
    """The case's own 办理时限 is the hazard's 整改期限 (end of that day), not the sub-type's
    limit, and it stays so when the handling clock starts."""
    codes = [i["code"] for i in hotel_check.checklist.items]
    results = {c: c != codes[0] for c in codes}
    [hazard] = services.complete_inspection(
        hotel_check, results, actor=officer.user, rectify_days=20
    )
    due = timezone.localtime(hazard.case.handle_due)
    assert (due.date(), due.hour, due.minute) == (hazard.rectify_by, 23, 59)
    case = hazard.case
    for step in ("accept", "dispatch"):
        case = cases.act(case, step, actor=commander.user)
    case = cases.act(case, "sign_on", actor=grid_worker.user)
    assert case.state == State.HANDLING and case.handle_started is not None
    assert timezone.localtime(case.handle_due).date() == hazard.rectify_by


def test_it_needs_every_items_result(hotel_check: Inspection, officer: Persona) -> None:
    with pytest.raises(ValidationError) as refused:
        services.complete_inspection(hotel_check, {"H1": True}, actor=officer.user)
    assert "H2" in str(refused.value.message_dict["results"])


def test_it_lets_each_party_sign_for_its_own_department(
    hotel_check: Inspection, market_handler: Persona, officer: Persona
) -> None:
    market = hotel_check.parties.get(department__code="SJ")
    fire = hotel_check.parties.get(department__code="XF")
    services.sign_off(market, actor=market_handler.user)
    assert market.signed_by == market_handler.user
    with pytest.raises(PermissionDenied):
        services.sign_off(fire, actor=market_handler.user)
    with pytest.raises(PermissionDenied):
        services.sign_off(fire, actor=officer.user)


def test_it_closes_the_hazard_case_only_after_a_passed_recheck(
    hotel_check: Inspection, officer: Persona, commander: Persona, grid_worker: Persona
) -> None:
    [hazard] = _fail_first(hotel_check, officer)
    case = hazard.case
    for step in ("accept", "dispatch"):
        case = cases.act(case, step, actor=commander.user)
    case = cases.act(case, "sign_on", actor=grid_worker.user)
    case = cases.act(case, "complete", actor=grid_worker.user, comment="已整改", payload=RECHECK)
    case = cases.act(case, "rate", actor=officer.user, payload={"rating": "satisfied"})
    assert "close" not in cases.actions_for(case, commander.user)
    services.recheck(hazard, False, actor=officer.user, note="仍未整改")
    with pytest.raises(ValidationError):
        cases.act(case, "close", actor=commander.user)
    services.recheck(hazard, True, actor=officer.user, note="已整改到位")
    assert cases.act(case, "close", actor=commander.user).state == State.CLOSED


def test_it_refuses_inspections_outside_the_area(
    subjects: Subjects, outsider: Persona, commander: Persona, checklists_loaded: None
) -> None:
    for persona in (outsider, commander):
        with pytest.raises(PermissionDenied):
            services.start_inspection(subjects.unit, newest("fire"), actor=persona.user)
