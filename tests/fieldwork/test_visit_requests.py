"""A visit (走访) may open a service request (代办) for the visited resident: on the page, by the
API and from the phone's offline queue. The request is filled from the visited subject, appears
where staff see service requests, and lies where the subject lies, so a care subject's name
reaches nobody who may not read the subject."""

import datetime as dt
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.core.models import ChangeRecord
from outpost.fieldwork import queries, services
from outpost.fieldwork.api.visits import ServiceIn
from outpost.fieldwork.models import SyncedRecord, Visit
from outpost.fieldwork.service_desk import ServiceAsk
from outpost.geo.models import Grid
from outpost.guides.models import Mode, RequestState, ServiceRequest
from outpost.registry.models import Person
from tests.conftest import OTHER_GRID, Persona, _persona
from tests.fieldwork.conftest import Subjects, id_number

pytestmark = pytest.mark.django_db
API = "/api/v1/fieldwork"
ASK = ServiceAsk("senior-card", "on_behalf", "13912345678", "腿脚不便，代办老年证")
REQUESTS = "/guides/requests/?show=all"


def test_it_opens_a_service_request_filled_from_the_care_subject(
    subjects: Subjects, grid_worker: Persona, home_grid: Grid
) -> None:
    new = services.NewVisit("王奶奶本人", "需要办老年证", service=ASK)
    visit = services.record_visit(subjects.elder, new, actor=grid_worker.user)
    request = visit.service_request
    assert request is not None
    assert (request.resident_name, request.address, request.grid) == (
        "王奶奶",
        "中山路81号101室",
        home_grid,
    )
    assert (request.matter.code, request.mode, request.state) == (
        "senior-card",
        Mode.ON_BEHALF,
        RequestState.SUBMITTED,
    )
    assert request.entered_by == grid_worker.user and request.assignee == grid_worker.user
    assert request.phone_masked.startswith("139") and "腿脚不便" in request.note
    audit = ChangeRecord.objects.get(action="record_visit", object_key=str(visit.pk))
    assert audit.after["service_request"] == request.code


def test_it_asks_for_whoever_was_met_at_a_house(subjects: Subjects, grid_worker: Persona) -> None:
    new = services.NewVisit("租客张先生", service=ASK)
    visit = services.record_visit(subjects.house, new, actor=grid_worker.user)
    assert visit.service_request is not None
    assert visit.service_request.resident_name == "租客张先生"


def test_it_keeps_neither_visit_nor_request_when_the_request_is_refused(
    subjects: Subjects, grid_worker: Persona
) -> None:
    bad = ServiceAsk("senior-card", "on_behalf", "12345")
    with pytest.raises(ValidationError) as refused:
        services.record_visit(
            subjects.elder, services.NewVisit("本人", service=bad), actor=grid_worker.user
        )
    assert "phone" in refused.value.message_dict
    unknown = ServiceAsk("no-such-matter", "on_behalf", "13912345678")
    with pytest.raises(ValidationError):
        services.record_visit(
            subjects.elder, services.NewVisit("本人", service=unknown), actor=grid_worker.user
        )
    assert not Visit.objects.exists() and not ServiceRequest.objects.exists()


def test_it_shows_the_request_where_staff_see_service_requests(
    subjects: Subjects, grid_worker: Persona, commander: Persona
) -> None:
    services.record_visit(
        subjects.elder, services.NewVisit("本人", service=ASK), actor=grid_worker.user
    )
    code = ServiceRequest.objects.get().code
    for who in (grid_worker, commander):
        page = who.client.get(REQUESTS).content.decode()
        assert code in page and "王奶奶" in page
    mine = grid_worker.client.get("/guides/requests/?show=mine").content.decode()
    assert code in mine
    visit_page = grid_worker.client.get(reverse("fieldwork:visit", args=["care", "FW-P-1"]))
    assert f'data-service-request="{code}"' in visit_page.content.decode()


def _elder_in_another_beat(home_grid: Grid) -> Person:
    """A care subject in the home grid whose place lies in another police beat than the grid's
    main one (grids and beats overlap)."""
    other = Grid.objects.select_related("main_beat").get(code=OTHER_GRID)
    assert other.main_beat is not None and home_grid.main_beat is not None
    assert other.main_beat.code != home_grid.main_beat.code
    elder = Person.objects.create(
        person_no="FW-P-9",
        name="孙爷爷",
        gender="男",
        birth_date=dt.date(1938, 1, 9),
        pop_type="户籍人口",
        care_tags="独居老人",
        address=Person.objects.get(person_no="FW-P-1").address,
        id_number=id_number("32010619380109001"),
        grid_code=home_grid.code,
        beat_code=other.main_beat.code,
    )
    return elder


def test_it_files_a_care_subjects_request_where_only_their_readers_see_it(
    subjects: Subjects, grid_worker: Persona, officer: Persona, home_grid: Grid
) -> None:
    """The grid's main-beat officer does not read this subject (another beat): nor its request.
    The subject's own beat officer reads both."""
    elder = _elder_in_another_beat(home_grid)
    visit = services.record_visit(
        elder, services.NewVisit("本人", service=ASK), actor=grid_worker.user
    )
    request = visit.service_request
    assert request is not None and request.beat_code == elder.beat_code
    assert not queries.people_for(officer.user).filter(pk=elder.pk).exists()
    page = officer.client.get(REQUESTS).content.decode()
    assert "孙爷爷" not in page and request.code not in page
    detail = officer.client.get(reverse("guides:request", args=[request.pk]))
    assert detail.status_code == 404
    theirs = _persona("beat_officer_p", Role.COMMUNITY_OFFICER, elder.beat_code)
    assert "孙爷爷" in theirs.client.get(REQUESTS).content.decode()
    assert grid_worker.client.get(REQUESTS).content.decode().count("孙爷爷") == 1


def test_it_opens_a_request_from_the_visit_page(subjects: Subjects, grid_worker: Persona) -> None:
    url = reverse("fieldwork:visit", args=["care", "FW-P-1"])
    form = {
        "met": "王奶奶本人",
        "service_matter": "senior-card",
        "service_mode": "on_behalf",
        "service_phone": "13912345678",
        "service_note": "代办老年证",
    }
    answer = grid_worker.client.post(url, form, follow=True)
    request = ServiceRequest.objects.get()
    assert Visit.objects.get().service_request == request
    assert f"服务申请 {request.code}" in answer.content.decode()


def test_it_shows_a_refused_request_next_to_its_field(
    subjects: Subjects, grid_worker: Persona
) -> None:
    url = reverse("fieldwork:visit", args=["care", "FW-P-1"])
    form = {"met": "本人", "service_matter": "senior-card", "service_mode": "on_behalf"}
    answer = grid_worker.client.post(url, {**form, "service_phone": "123"})
    assert answer.status_code == 200 and "不是有效的电话号码：123" in answer.content.decode()
    assert not Visit.objects.exists()


def test_it_opens_a_request_by_api(subjects: Subjects, grid_worker: Persona) -> None:
    body = {
        "kind": "key_unit",
        "key": "FW-U-1",
        "met": "店长刘女士",
        "service": {"matter": "senior-card", "mode": "deliver", "phone": "13912345678"},
    }
    answer = grid_worker.client.post(f"{API}/visits", json.dumps(body), "application/json")
    assert answer.status_code == 201, answer.content
    request = ServiceRequest.objects.get(code=answer.json()["service_request"])
    assert (request.resident_name, request.mode) == ("店长刘女士", Mode.DELIVER)
    refused = {**body, "service": {**body["service"], "matter": "nothing-like-it"}}
    again = grid_worker.client.post(f"{API}/visits", json.dumps(refused), "application/json")
    assert again.status_code == 422 and again.json()["detail"] == "没有这个办事事项"
    assert Visit.objects.count() == 1


def test_it_offers_the_modes_the_guides_know() -> None:
    mode = ServiceIn.model_json_schema()["properties"]["mode"]
    assert set(mode["enum"]) == set(Mode.values)


def test_it_gives_the_phone_the_matters_and_modes(subjects: Subjects, grid_worker: Persona) -> None:
    today = grid_worker.client.get(f"{API}/today").json()
    assert "senior-card" in {m["code"] for m in today["matters"]}
    assert {m["code"] for m in today["service_modes"]} == set(Mode.values)


def test_it_opens_a_request_from_the_phones_queue(subjects: Subjects, grid_worker: Persona) -> None:
    record = {
        "key": uuid.uuid4().hex,
        "kind": "visit",
        "at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "subject_kind": "care",
        "subject_key": "FW-P-1",
        "met": "本人",
        "service": {"matter": "senior-card", "mode": "on_behalf", "phone": "13912345678"},
    }
    sent = grid_worker.client.post(f"{API}/sync", {"records": json.dumps([record])}).json()
    (outcome,) = sent["results"]
    assert outcome["state"] == "sent", outcome
    request = ServiceRequest.objects.get(code=outcome["ref"]["service_request"])
    assert Visit.objects.get().service_request == request
    again = grid_worker.client.post(f"{API}/sync", {"records": json.dumps([record])}).json()
    assert again["results"][0]["state"] == "sent" and ServiceRequest.objects.count() == 1
    bad = {**record, "key": uuid.uuid4().hex, "subject_kind": "rental", "subject_key": "FW-H-1"}
    bad["service"] = {**record["service"], "phone": "0"}
    (refused,) = grid_worker.client.post(f"{API}/sync", {"records": json.dumps([bad])}).json()[
        "results"
    ]
    assert refused["state"] == "refused" and "电话" in refused["detail"]
    assert SyncedRecord.objects.get(key=bad["key"]).state == "refused"
    assert ServiceRequest.objects.count() == 1
