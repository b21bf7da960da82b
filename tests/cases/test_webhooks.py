"""Signed webhooks from the outbox, delivered to a real HTTP server on this machine."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.cases import services
from outpost.cases.models import WebhookDelivery
from outpost.cases.webhooks import MAX_ATTEMPTS, deliver_due
from outpost.geo.models import Grid
from tests.cases.certs import authority_and_server
from tests.cases.conftest import file_case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
API = "/api/v1/webhooks"


class Receiver:
    """An external system: keeps what it is sent and answers with the statuses it is told."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received = {"headers": dict(self.headers), "body": body, "path": self.path}
                receiver.received.append(received)
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/outpost-events"

    def events(self) -> list[str]:
        return [json.loads(r["body"])["event"] for r in self.received]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.OUTPOST_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on this machine
    found = Receiver()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def subscribe(persona: Persona, url: str, events: list[str] | None = None) -> Any:
    body = json.dumps({"url": url, "events": events or []})
    return persona.client.post(API, body, content_type="application/json")


def verified(secret: str, received: dict[str, Any]) -> bool:
    stamp, mac = received["headers"]["X-Outpost-Signature"].split(",")
    timestamp = stamp.removeprefix("t=")
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + received["body"], hashlib.sha256
    )
    return hmac.compare_digest(mac.removeprefix("v1="), expected.hexdigest())


def test_it_delivers_signed_events_of_the_owners_area_only(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    outsider: Persona,
    receiver: Receiver,
) -> None:
    created = subscribe(commander, receiver.url)
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert subscribe(outsider, receiver.url + "?outsider").status_code == 201
    case = file_case(home_grid, grid_worker.user, title="王小明家门口争吵", reporter_name="王小明")
    services.act(case, "accept", actor=commander.user, comment="内部备注")
    assert deliver_due() == {"delivered": 2, "retry": 0, "failed": 0}
    assert receiver.events() == ["case.report", "case.accept"]  # none for the outsider
    for received in receiver.received:
        assert verified(secret, received)
        assert received["headers"]["X-Outpost-Event"] in {"case.report", "case.accept"}
        text = received["body"].decode()
        assert case.number in text and home_grid.code in text
        for private in ("王小明", "争吵", "内部备注", grid_worker.user.username):
            assert private not in text  # what happened, never who or what was said
    assert not verified("another secret", receiver.received[0])
    assert deliver_due() == {"delivered": 0, "retry": 0, "failed": 0}  # each is sent once


def test_it_retries_with_growing_pauses_until_the_receiver_answers(
    home_grid: Grid, grid_worker: Persona, commander: Persona, receiver: Receiver
) -> None:
    subscribe(commander, receiver.url, ["report"])
    file_case(home_grid, grid_worker.user)
    receiver.answers = [500, 503, 200]
    now = timezone.now()
    assert deliver_due(now)["retry"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    assert delivery.last_error == "HTTP 500"
    assert deliver_due(now + dt.timedelta(seconds=59))["retry"] == 0  # not yet due
    later = now + dt.timedelta(minutes=1)
    assert deliver_due(later)["retry"] == 1
    assert WebhookDelivery.objects.get().next_attempt_at == later + dt.timedelta(minutes=2)
    assert deliver_due(later + dt.timedelta(minutes=2))["delivered"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert len(receiver.received) == 3
    assert {r["headers"]["X-Outpost-Delivery"] for r in receiver.received} == {str(delivery.pk)}


def test_it_gives_up_after_the_last_attempt(
    home_grid: Grid, grid_worker: Persona, commander: Persona, receiver: Receiver
) -> None:
    subscribe(commander, receiver.url, ["report"])
    file_case(home_grid, grid_worker.user)
    receiver.answers = [500] * MAX_ATTEMPTS
    when = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(when)
        when = WebhookDelivery.objects.get().next_attempt_at
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert deliver_due(when + dt.timedelta(days=1))["failed"] == 0  # left alone afterwards
    history = commander.client.get(f"{API}/{delivery.subscription_id}/deliveries").json()
    assert history[0]["status"] == "failed" and history[0]["last_status"] == 500


def test_it_announces_only_changes_that_happened(
    home_grid: Grid, grid_worker: Persona, commander: Persona, receiver: Receiver
) -> None:
    subscribe(commander, receiver.url, ["dispatch", "complete"])
    case = file_case(home_grid, grid_worker.user)  # 0101 dispute: closing needs an outcome
    for step in ("accept", "dispatch"):
        services.act(case, step, actor=commander.user)
    services.act(case, "sign_on", actor=grid_worker.user)
    with pytest.raises(Exception, match="调解结果"):
        services.act(case, "complete", actor=grid_worker.user, comment="已处理")
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["case.dispatch"]


def test_it_refuses_addresses_that_are_not_public_web_servers(commander: Persona) -> None:
    for url, why in (
        ("http://127.0.0.1:8000/hook", "内网或本机"),
        ("http://10.1.2.3/hook", "内网或本机"),
        ("ftp://example.org/hook", "http 或 https"),
        ("http://[64:ff9b::7f00:1]/hook", "内网或本机"),  # NAT64 of 127.0.0.1
        ("http://[2002:a00:1::]/hook", "内网或本机"),  # 6to4 of 10.0.0.1
        ("http://example.org:99999/hook", "格式有误"),
    ):
        answer = subscribe(commander, url)
        assert answer.status_code == 422 and why in answer.json()["detail"], url
    unknown = subscribe(commander, "https://example.org/hook", ["fly_away"])
    assert unknown.status_code == 422 and "fly_away" in unknown.json()["detail"]


def test_it_keeps_subscriptions_to_their_owner(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    officer: Persona,
    nobody: Persona,
    receiver: Receiver,
) -> None:
    sub = subscribe(commander, receiver.url).json()
    assert subscribe(nobody, receiver.url).status_code == 403  # no area, nothing to hear
    assert officer.client.get(f"{API}/{sub['id']}/deliveries").status_code == 404
    assert officer.client.delete(f"{API}/{sub['id']}").status_code == 404
    assert officer.client.get(API).json() == []
    assert [s["id"] for s in commander.client.get(API).json()] == [sub["id"]]
    assert Client().get(API).status_code == 401
    assert commander.client.delete(f"{API}/{sub['id']}").status_code == 204
    file_case(home_grid, grid_worker.user)
    assert not WebhookDelivery.objects.exists()  # a stopped subscription hears nothing


def test_it_refuses_private_addresses_in_every_spelling(commander: Persona) -> None:
    for host in (
        "[::127.0.0.1]",  # IPv4-compatible 127.0.0.1
        "[::a00:1]",  # IPv4-compatible 10.0.0.1
        "[::ffff:127.0.0.1]",  # IPv4-mapped
        "[fec0::1]",  # site-local
        "[64:ff9b:1::7f00:1]",  # local-use NAT64 (RFC 8215)
        "[64:ff9b::a00:1]",  # well-known NAT64 of 10.0.0.1
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # Teredo
        "[fe80::1%25eth0]",  # link-local with a zone
        "[ff0e::1]",  # multicast
        "224.0.0.1",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "2130706433",  # 127.0.0.1 written as one number: decided by what it resolves to
    ):
        answer = subscribe(commander, f"http://{host}/hook")
        assert answer.status_code == 422, host
        assert "内网或本机" in answer.json()["detail"], (host, answer.json())
    for public in ("https://[2606:4700:4700::1111]/hook", "http://93.184.216.34:8080/hook"):
        assert subscribe(commander, public).status_code == 201, public


def test_it_refuses_over_long_host_names_cleanly(commander: Persona) -> None:
    long_label = "a" * 64 + ".example.org"
    long_name = ".".join(["abcdefghi"] * 26) + ".org"  # 263 characters
    for host in (long_label, long_name, "a..example.org"):
        answer = subscribe(commander, f"https://{host}/hook")
        assert answer.status_code == 422, host
        assert answer.json()["detail_en"] == "The webhook URL is malformed", answer.json()


def fake_dns(monkeypatch: pytest.MonkeyPatch, name: str, *answers: list[str]) -> list[str]:
    """The machine's resolver answering `name` with each list in turn (then the last again);
    returns the names asked, so a test can count the lookups."""
    real, asked, queue = socket.getaddrinfo, [], list(answers)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != name:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        found = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_it_refuses_a_name_when_any_of_its_addresses_is_private(
    commander: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns(monkeypatch, "hooks.example.com", ["93.184.216.34", "10.0.0.7"])
    answer = subscribe(commander, "https://hooks.example.com/hook")
    assert answer.status_code == 422 and "内网或本机" in answer.json()["detail"]


def route_public_address(monkeypatch: pytest.MonkeyPatch, port: int, to: Receiver) -> None:
    """Connections to 93.184.216.34:port reach `to` (the internet, as far as a test goes)."""
    real_connect = socket.create_connection

    def route(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if address == ("93.184.216.34", port):
            address = ("127.0.0.1", to.server.server_port)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", route)


def test_it_posts_to_the_address_it_checked_even_if_the_name_changes_meanwhile(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name answers a public address when checked and a local one after.
    The public address is routed to a receiver here; the local one is another receiver that
    stands for a server next to Outpost, which must hear nothing."""
    public = Receiver()
    internal = Receiver("127.0.0.2")
    port = internal.server.server_port
    for found in (public, internal):
        threading.Thread(target=found.server.serve_forever, daemon=True).start()
    route_public_address(monkeypatch, port, public)
    try:
        subscribe_url = f"http://hooks.example.com:{port}/事件?from=outpost"
        fake_dns(monkeypatch, "hooks.example.com", ["93.184.216.34"])
        assert subscribe(commander, subscribe_url, ["report"]).status_code == 201
        file_case(home_grid, grid_worker.user)
        asked = fake_dns(monkeypatch, "hooks.example.com", ["93.184.216.34"], ["127.0.0.2"])
        assert deliver_due()["delivered"] == 1
        assert internal.received == [] and public.events() == ["case.report"]
        assert len(asked) == 1  # checked once, and that answer is the one connected to
        assert public.received[0]["path"] == "/%E4%BA%8B%E4%BB%B6?from=outpost"
        assert public.received[0]["headers"]["Host"] == f"hooks.example.com:{port}"
    finally:
        for found in (public, internal):
            found.server.shutdown()
            found.server.server_close()


def test_it_checks_the_tls_certificate_against_the_host_of_the_url(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    """Connecting to the checked address must not lose TLS: the server is asked for the URL's
    host (SNI) and its certificate must be for that host."""
    ca, cert, key = authority_and_server(tmp_path, "hooks.example.com")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # trusted like a public authority
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    names: list[str] = []
    served.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment]
    receiver = Receiver()
    receiver.server.socket = served.wrap_socket(receiver.server.socket, server_side=True)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    port = 8443
    route_public_address(monkeypatch, port, receiver)
    fake_dns(monkeypatch, "hooks.example.com", ["93.184.216.34"])
    fake_dns(monkeypatch, "other.example.com", ["93.184.216.34"])
    try:
        for host in ("hooks.example.com", "other.example.com"):
            assert (
                subscribe(commander, f"https://{host}:{port}/events", ["report"]).status_code == 201
            )
        file_case(home_grid, grid_worker.user)
        assert deliver_due() == {"delivered": 1, "retry": 1, "failed": 0}
        assert names == ["hooks.example.com", "other.example.com"]
        assert [r["headers"]["Host"] for r in receiver.received] == [f"hooks.example.com:{port}"]
        refused = WebhookDelivery.objects.get(subscription__url__contains="other")
        assert "certificate" in refused.last_error, refused.last_error
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_it_answers_an_internal_name_as_one_that_does_not_resolve(
    commander: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subscriber must not learn which internal host names exist from the refusal."""
    fake_dns(monkeypatch, "intranet.example.com", ["10.1.2.3"])
    inside = subscribe(commander, "https://intranet.example.com/hook")
    nowhere = subscribe(commander, "https://nosuch.invalid/hook")
    assert inside.status_code == nowhere.status_code == 422
    assert inside.json() == nowhere.json()
