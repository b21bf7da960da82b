"""Open311 GeoReport v2: every endpoint in both formats, as the specification names things."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from outpost.cases import services
from outpost.cases.models import Case, Sensitivity
from outpost.open311.models import ApiKey
from tests.conftest import Persona
from tests.open311.conftest import ID_NUMBER, PARTY, PHONE, REPORTER

pytestmark = pytest.mark.django_db
V2 = "/open311/v2"
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ATTRIBUTE = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def xml_of(answer: Any, root: str) -> ET.Element:
    assert answer["Content-Type"] == "text/xml; charset=utf-8"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    element = ET.fromstring(answer.content)
    assert element.tag == root
    return element


def json_of(answer: Any) -> Any:
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(answer.content)


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def error_of(answer: Any, fmt: str) -> tuple[int, str]:
    if fmt == "json":
        [error] = json_of(answer)
        assert list(error) == ["code", "description"]
        return error["code"], error["description"]
    [error] = xml_of(answer, "errors")
    assert error.tag == "error" and tags(error) == ["code", "description"]
    return int(error.findtext("code") or 0), error.findtext("description") or ""


def test_it_describes_itself_in_discovery(client: Client) -> None:
    body = json_of(client.get(f"{V2}/discovery.json"))
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_of(client.get(f"{V2}/discovery.xml"), "discovery")
    assert tags(root) == ["changeset", "contact", "key_service", "endpoints"]
    [xml_endpoint] = root.find("endpoints") or []
    assert tags(xml_endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in xml_endpoint.find("formats") or []] == endpoint["formats"]
    assert dt.datetime.fromisoformat(body["changeset"]).utcoffset() is not None


def test_it_lists_the_public_taxonomy_as_services(client: Client) -> None:
    listed = json_of(client.get(f"{V2}/services.json"))
    assert all(list(s) == SERVICE for s in listed)
    codes = {s["service_code"] for s in listed}
    assert {"0101", "0603", "9901"} <= codes and not codes & {"0301", "0401", "0501"}
    garbage = next(s for s in listed if s["service_code"] == "0603")
    assert garbage["group"] == "城市管理" and garbage["type"] == "realtime"
    assert garbage["metadata"] is True
    root = xml_of(client.get(f"{V2}/services.xml"), "services")
    assert {s.tag for s in root} == {"service"}
    assert [s.findtext("service_code") for s in root] == [s["service_code"] for s in listed]
    assert all(tags(s) == SERVICE for s in root)
    assert root[0].findtext("metadata") == "true"


def test_it_defines_a_service_and_its_attributes(client: Client) -> None:
    body = json_of(client.get(f"{V2}/services/0603.json"))
    assert body["service_code"] == "0603"
    [attribute] = body["attributes"]
    assert list(attribute) == ATTRIBUTE and attribute["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attribute["values"]] == ["normal", "urgent"]
    root = xml_of(client.get(f"{V2}/services/0603.xml"), "service_definition")
    assert tags(root) == ["service_code", "attributes"]
    [xml_attribute] = root.find("attributes") or []
    assert xml_attribute.tag == "attribute" and tags(xml_attribute) == ATTRIBUTE
    values = xml_attribute.find("values")
    assert values is not None and tags(values[0]) == ["key", "name"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_unknown_and_police_services_with_a_404_error(client: Client, fmt: str) -> None:
    for code in ("9999", "0301"):
        answer = client.get(f"{V2}/services/{code}.{fmt}")
        assert answer.status_code == 404
        assert error_of(answer, fmt) == (404, f"service_code {code} was not found")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_shows_requests_without_anything_personal(client: Client, case: Case, fmt: str) -> None:
    answer = client.get(f"{V2}/requests.{fmt}")
    text = answer.content.decode()
    for secret in (REPORTER, PHONE, PHONE[-4:], PARTY, ID_NUMBER, case.tracking_code, "垃圾堆了"):
        assert secret not in text
    if fmt == "json":
        [row] = json_of(answer)
        assert list(row) == REQUEST
    else:
        root = xml_of(answer, "service_requests")
        [element] = root
        assert element.tag == "request" and tags(element) == REQUEST
        row = {child.tag: child.text for child in element}
    assert row["service_request_id"] == case.number and row["status"] == "open"
    assert row["service_code"] == "0603" and row["description"] is None
    assert float(row["lat"]) == round(case.lat or 0, 3)
    requested = dt.datetime.fromisoformat(row["requested_datetime"])
    assert requested.utcoffset() == dt.timedelta(hours=8)
    assert requested == case.reported_at.replace(microsecond=0)


def test_it_shows_the_description_of_a_public_case_only(client: Client, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(sensitivity=Sensitivity.PUBLIC)
    [row] = json_of(client.get(f"{V2}/requests/{case.number}.json"))
    assert row["description"] == "垃圾堆了三天"


def test_it_closes_done_cases_and_names_the_agency(client: Client, case: Case, chief: Any) -> None:
    services.act(case, "accept", actor=chief)
    case = services.act(
        Case.objects.get(pk=case.pk),
        "dispatch",
        actor=chief,
        payload={"targets": [{"kind": "grid", "code": case.grid_code, "lead": True}]},
    )
    [row] = json_of(client.get(f"{V2}/requests/{case.number}.json"))
    assert row["status"] == "open" and row["agency_responsible"]
    assert row["expected_datetime"] is None or "+08:00" in row["expected_datetime"]
    assert row["updated_datetime"] >= row["requested_datetime"]
    Case.objects.filter(pk=case.pk).update(state="closed")
    closed = json_of(client.get(f"{V2}/requests.json?status=closed"))
    assert [r["service_request_id"] for r in closed] == [case.number]
    assert json_of(client.get(f"{V2}/requests.json?status=open")) == []


def test_it_filters_requests_as_the_specification_says(
    client: Client, case: Case, home_grid: Any, grid_worker: Persona
) -> None:
    from tests.cases.conftest import file_case

    other = file_case(home_grid, grid_worker.user, "0101")

    def ids(query: str) -> list[str]:
        return [r["service_request_id"] for r in json_of(client.get(f"{V2}/requests.json?{query}"))]

    assert ids("") == [other.number, case.number]  # newest first
    assert ids("service_code=0603") == [case.number]
    assert ids(f"service_request_id={case.number},{other.number}&service_code=0603") == [
        other.number,
        case.number,
    ]  # ids override every other filter
    old = timezone.now() - dt.timedelta(days=100)
    Case.objects.filter(pk=other.pk).update(reported_at=old)
    assert ids("") == [case.number]  # the last 90 days by default
    start = (old - dt.timedelta(days=1)).isoformat()
    end = (old + dt.timedelta(days=1)).isoformat()
    assert ids(f"start_date={start}&end_date={end}".replace("+", "%2B")) == [other.number]


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2026-01-01T00:00:00",
        "status=pending",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
    ],
)
def test_it_refuses_bad_filters_with_a_400_error(client: Client, query: str) -> None:
    answer = client.get(f"{V2}/requests.xml?{query}")
    assert answer.status_code == 400 and error_of(answer, "xml")[0] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_unknown_requests_and_tokens_with_404(client: Client, fmt: str) -> None:
    for url in (f"{V2}/requests/NOPE1.{fmt}", f"{V2}/tokens/abc123.{fmt}"):
        answer = client.get(url)
        assert answer.status_code == 404 and error_of(answer, fmt)[0] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_for_its_own_jurisdiction_only(client: Client, case: Case, fmt: str) -> None:
    for sent in ("320106000000", ""):
        ok = client.get(f"{V2}/requests.{fmt}?jurisdiction_id={sent}")
        assert ok.status_code == 200 and case.number in ok.content.decode()
        assert ok["Access-Control-Allow-Origin"] == "*"
    for url in ("services", "requests", f"requests/{case.number}", "discovery"):
        answer = client.get(f"{V2}/{url}.{fmt}?jurisdiction_id=example.gov")
        assert answer.status_code == 404
        assert error_of(answer, fmt) == (404, "jurisdiction_id was not found")


@override_settings(OUTPOST_OPEN311_JURISDICTION="gulou.nanjing.gov.cn")
def test_it_takes_the_configured_jurisdiction(client: Client) -> None:
    assert client.get(f"{V2}/services.json?jurisdiction_id=gulou.nanjing.gov.cn").status_code == 200
    assert client.get(f"{V2}/services.json?jurisdiction_id=320106000000").status_code == 404


@override_settings(OUTPOST_OPEN311_READS_PER_MINUTE=2)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_limits_reads_per_client_address(client: Client, fmt: str) -> None:
    assert client.get(f"{V2}/services.{fmt}").status_code == 200
    assert client.get(f"{V2}/services.{fmt}").status_code == 200
    answer = client.get(f"{V2}/services.{fmt}")
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    assert error_of(answer, fmt)[0] == 429
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert elsewhere.get(f"{V2}/services.{fmt}").status_code == 200


def test_it_keeps_unknown_formats_out(client: Client) -> None:
    assert client.get(f"{V2}/services.csv").status_code == 404
    assert client.delete(f"{V2}/requests.json").status_code == 405


def _key(api_key: tuple[str, ApiKey]) -> str:
    return api_key[0]


def test_it_writes_well_formed_xml_whatever_a_description_holds(client: Client, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        sensitivity=Sensitivity.PUBLIC, description="门口<堆物> & \x0b\x1f “杂物”"
    )
    [element] = xml_of(client.get(f"{V2}/requests/{case.number}.xml"), "service_requests")
    assert element.findtext("description") == "门口<堆物> &  “杂物”"
