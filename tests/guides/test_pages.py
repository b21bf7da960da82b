"""The service guide pages: public catalogue, search, a matter and asking for help (rate
limited); the staff's requests (outsider 404, read-only 403, the assignee acts), entering one
for a resident, the catalogue's editing (district level), and the start page's section."""

import pytest
from django.test import Client
from django.urls import reverse

from outpost.geo.models import Grid
from outpost.guides.models import Matter, ServiceRequest
from tests.conftest import Persona
from tests.guides.conftest import ask

pytestmark = pytest.mark.django_db
HELP = {
    "mode": "on_behalf",
    "resident_name": "王阿姨",
    "phone": "139 1234 5678",
    "address": "中山路83号102室",
    "note": "腿脚不便",
}


def test_it_searches_the_catalogue_without_an_account(anonymous: Client) -> None:
    page = anonymous.get(reverse("guides:catalogue"), {"q": "老人乘车卡"}).content.decode()
    assert page.index('data-matter="senior-card"') < page.index("</ul>")
    assert "老年人优待证" in page and "营业执照" not in page
    everything = anonymous.get(reverse("guides:catalogue")).content.decode()
    assert everything.count("data-matter=") == Matter.objects.filter(published=True).count()


def test_it_shows_a_matter_and_takes_a_request_for_help(
    anonymous: Client, home_grid: Grid, grid_worker: Persona
) -> None:
    page = anonymous.get(reverse("guides:matter", args=["senior-card"])).content.decode()
    assert "所需材料" in page and "居民身份证" in page and 'id="ask-form"' in page
    url = reverse("guides:ask", args=["senior-card"])
    answer = anonymous.post(url, HELP | {"grid": home_grid.code})
    req = ServiceRequest.objects.get()
    assert answer["Location"] == reverse("guides:track", args=[req.code])
    assert (req.assignee, req.mode, req.phone_masked) == (
        grid_worker.user,
        "on_behalf",
        "139****5678",
    )
    track = anonymous.get(answer["Location"]).content.decode()
    assert req.code in track and "已提交" in track and "13912345678" not in track


def test_it_answers_bad_input_in_chinese_and_writes_nothing(
    anonymous: Client, home_grid: Grid
) -> None:
    url = reverse("guides:ask", args=["senior-card"])
    page = anonymous.post(url, HELP | {"grid": home_grid.code, "phone": "12"}).content.decode()
    assert "不是电话号码" in page or "电话号码" in page
    assert not ServiceRequest.objects.exists()


def test_it_limits_requests_per_client_address(
    anonymous: Client, home_grid: Grid, settings: object
) -> None:
    settings.OUTPOST_GUIDE_REQUESTS = 2  # type: ignore[attr-defined]
    url = reverse("guides:ask", args=["senior-card"])
    codes = [anonymous.post(url, HELP | {"grid": home_grid.code}).status_code for _n in range(3)]
    assert codes == [302, 302, 429]
    assert ServiceRequest.objects.count() == 2


def test_it_lets_the_resident_rate_a_done_request(
    anonymous: Client, home_grid: Grid, grid_worker: Persona
) -> None:
    req = ask(home_grid)
    url = reverse("guides:track", args=[req.code])
    assert 'id="rating-form"' not in anonymous.get(url).content.decode()
    for step in ("accept", "finish"):
        grid_worker.client.post(reverse("guides:request", args=[req.pk]), {"step": step})
    anonymous.post(url, {"rating": "5", "comment": "很及时"})
    req.refresh_from_db()
    assert (req.state, req.rating) == ("done", 5)


def test_it_shows_requests_to_the_area_and_hides_them_from_outsiders(
    home_grid: Grid, grid_worker: Persona, outsider: Persona, admin: Persona
) -> None:
    req = ask(home_grid)
    mine = grid_worker.client.get(reverse("guides:requests")).content.decode()
    assert req.code in mine and "139****5678" in mine and "13912345678" not in mine
    assert req.code not in outsider.client.get(reverse("guides:requests")).content.decode()
    detail = reverse("guides:request", args=[req.pk])
    assert outsider.client.get(detail).status_code == 404
    assert admin.client.get(detail).status_code == 200
    assert admin.client.post(detail, {"step": "accept"}).status_code == 403
    assert grid_worker.client.post(detail, {"step": "accept"}).status_code == 302
    req.refresh_from_db()
    assert req.state == "accepted"


def test_it_lets_staff_enter_a_request_for_a_resident(
    home_grid: Grid, grid_worker: Persona, officer: Persona, admin: Persona
) -> None:
    url = reverse("guides:request_new")
    matter = Matter.objects.get(code="rental-registration")
    data = HELP | {"grid": home_grid.code, "matter": matter.pk, "mode": "assist"}
    assert admin.client.post(url, data).status_code == 403
    answer = grid_worker.client.post(url, data)
    req = ServiceRequest.objects.get()
    assert answer["Location"] == reverse("guides:request", args=[req.pk])
    assert (req.entered_by, req.assignee) == (grid_worker.user, officer.user)


def test_it_lets_only_district_editors_edit_the_catalogue(
    admin: Persona, commander: Persona, anonymous: Client
) -> None:
    url = reverse("guides:matter_edit", args=["ebike-plate"])
    assert commander.client.get(url).status_code == 403
    assert anonymous.get(url).status_code == 302
    page = admin.client.get(url).content.decode()
    assert "电动自行车登记上牌" in page
    data = {
        "code": "pet-dog",
        "title": "养犬登记",
        "keywords": "狗 养狗 犬证",
        "summary": "在城市养犬的应当办理养犬登记。",
        "eligibility": "在鼓楼区养犬的居民。",
        "documents": "身份证\n犬只免疫证明",
        "place": "辖区派出所",
        "fees": "以窗口公布为准",
        "time_limit": "当场办结",
        "time_limit_days": "0",
        "department": "南京市公安局鼓楼分局",
        "police": "on",
        "published": "on",
    }
    answer = admin.client.post(reverse("guides:matter_new"), data)
    assert answer["Location"] == reverse("guides:matter", args=["pet-dog"])
    found = Client().get(reverse("guides:catalogue"), {"q": "养狗要办什么证"}).content.decode()
    assert 'data-matter="pet-dog"' in found


def test_it_puts_the_open_requests_on_the_start_page(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    req = ask(home_grid)
    page = grid_worker.client.get("/").content.decode()
    assert 'id="work-services"' in page and f'data-request="{req.code}"' in page
    other = outsider.client.get("/").content.decode()
    assert 'id="work-services"' in other and req.code not in other


def test_it_shows_the_whole_number_to_the_assignee_only_and_logs_it(
    home_grid: Grid, grid_worker: Persona, admin: Persona, outsider: Persona
) -> None:
    from outpost.core.models import AccessLogEntry

    req = ask(home_grid)
    url = reverse("guides:request_phone", args=[req.pk])
    assert outsider.client.post(url).status_code == 404
    assert admin.client.post(url).status_code == 403
    assert grid_worker.client.get(url).status_code == 405
    page = grid_worker.client.post(url).content.decode()
    assert 'href="tel:13912345678"' in page
    logged = AccessLogEntry.objects.get(object_type="service_request")
    assert (logged.action, logged.object_key, logged.actor) == (
        "unmask",
        req.code,
        grid_worker.user,
    )
