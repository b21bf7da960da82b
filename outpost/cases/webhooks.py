"""Signed webhooks (事件推送) delivered from an outbox.

An event row is written in the same transaction as the case change it reports, so a change is
never announced without happening, nor happens unannounced. A worker sends due rows, claiming
each with a conditional update; a receiver that does not answer 2xx is tried again after 1, 2,
4 … minutes, up to MAX_ATTEMPTS. Each POST carries `X-Outpost-Signature: t=<unix>,v1=<hex>`,
the HMAC-SHA256 of "<t>.<body>" under the subscription's secret.
"""

import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from outpost.accounts.models import User
from outpost.cases.models import Case, DeliveryStatus, WebhookDelivery, WebhookSubscription
from outpost.cases.presenter import status_fields
from outpost.cases.workflow import ACTIONS
from outpost.core.audit import record_change
from outpost.core.crypto import decrypt, encrypt
from outpost.core.refusals import refusal

log = logging.getLogger("outpost.cases")

EVENTS = frozenset(ACTIONS | {"report", "attach"})
MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=2)  # a sender that dies mid-POST frees its row after this
TIMEOUT_SECONDS = 10


def subscribe(owner: Any, url: str, events: list[str]) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown once; only the encrypted form is kept)."""
    unknown = sorted(set(events) - EVENTS)
    if unknown:
        found = refusal(_("Unknown events: %(events)s"), events="、".join(unknown))
        raise ValidationError({"events": found})
    check_url(url)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        sub = WebhookSubscription.objects.create(
            owner=owner,
            url=url,
            events=",".join(sorted(set(events))),
            secret_enc=encrypt(secret),
            created_at=timezone.now(),
        )
        record_change(
            actor=owner,
            action="create",
            object_type="webhook",
            object_key=str(sub.pk),
            after={"url": url, "events": sub.events},
        )
    return sub, secret


def unsubscribe(sub: WebhookSubscription, *, actor: User) -> None:
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=sub.pk).update(active=False)
        record_change(
            actor=actor,
            action="deactivate",
            object_type="webhook",
            object_key=str(sub.pk),
            before={"url": sub.url},
        )


def check_url(url: str) -> None:
    """Only http(s) to a public address: a subscription must not be a way to reach the
    servers next to Outpost (unless a deployment allows it for its own network)."""
    parts = _parse(url)
    if not settings.OUTPOST_WEBHOOK_ALLOW_PRIVATE:
        _resolve(parts)


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the host as written (Host header, TLS server name and certificate)
    and the address that was checked, which is the one connected to. Looking the name up again
    to connect would let a name that answered a public address answer a local one next."""

    tls: bool
    host: str
    port: int
    path: str
    address: str = ""


def target(url: str) -> Target:
    """The checked destination of a delivery, or ValidationError as `check_url` gives."""
    parts = _parse(url)
    return replace(parts, address=_resolve(parts)[0])


def _parse(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("The webhook URL is malformed")}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("The webhook URL must be an http or https URL")})
    tls = parts.scheme == "https"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path = quote(path, safe="/?:@!$&'()*+,;=%~")  # non-ASCII and spaces go percent-encoded
    return Target(tls, _ascii_host(parts.hostname), port or (443 if tls else 80), path)


def _ascii_host(host: str) -> str:
    """An address literal, or the name in its DNS form; a label over 63 characters, a name over
    253 or an empty label is refused here (the resolver would raise instead of answering)."""
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(unquote(host)))  # an IPv6 zone is written %25 (RFC 6874)
    try:
        name = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError({"url": _("The webhook URL is malformed")}) from None
    if len(name.rstrip(".")) > 253:
        raise ValidationError({"url": _("The webhook URL is malformed")})
    return name


def _resolve(parts: Target) -> list[str]:
    """The addresses the host stands for, looked up once; every one must be public unless the
    deployment allows private ones. The first is the one a delivery connects to."""
    try:
        infos = socket.getaddrinfo(parts.host, parts.port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
    except (OSError, UnicodeError, ValueError):
        addresses = []
    # One answer for a name that does not resolve and one that resolves inside: otherwise a
    # subscriber could learn which internal host names exist.
    unusable = ValidationError({"url": UNUSABLE_HOST})
    if not addresses:
        raise unusable
    if not settings.OUTPOST_WEBHOOK_ALLOW_PRIVATE and not all(map(_public, addresses)):
        raise unusable
    return addresses


UNUSABLE_HOST = _(
    "A webhook must point at a host name that resolves to public addresses only "
    "(not a private or local address)"
)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the last 32 bits are IPv4
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: translation inside one network
COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible ::a.b.c.d


def _public(address: str) -> bool:
    """Global by the standard library's classification and by none of its narrower ones (this
    Python's is_global still calls reserved, site-local and NAT64 addresses global), and not
    carrying a non-public IPv4 address (mapped, compatible, NAT64, 6to4, Teredo)."""
    try:
        ip: IPAddress = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _global(ip) and all(_global(inner) for inner in _embedded_ipv4(ip))


def _global(ip: IPAddress) -> bool:
    local = ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_link_local
    local = local or ip.is_loopback or ip.is_unspecified
    if isinstance(ip, ipaddress.IPv6Address):
        local = local or ip.is_site_local or ip in LOCAL_NAT64
    return ip.is_global and not local


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    if isinstance(ip, ipaddress.IPv4Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if ip in NAT64 or ip in COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [inner for inner in found if inner is not None]


def queue_event(case: Case, action: str, from_state: str, deadline: Any, at: Any) -> None:
    """Outbox rows for the subscriptions that want this event and may see this case."""
    from outpost.cases.services import visible_cases  # services imports this module

    active = WebhookSubscription.objects.filter(active=True).select_related("owner")
    subs = [s for s in active if s.wants(action)]
    wanted = [s for s in subs if visible_cases(s.owner).filter(pk=case.pk).exists()]
    if not wanted:
        return
    payload = event_payload(case, action, from_state, deadline, at)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=s,
            event=f"case.{action}",
            payload=payload,
            next_attempt_at=at,
            created_at=at,
        )
        for s in wanted
    )
    transaction.on_commit(lambda: deliver_webhooks_task.enqueue())


def event_payload(case: Case, action: str, from_state: str, deadline: Any, at: Any) -> dict:
    """What happened, never who or what was said: receivers fetch details with their token
    (the presenter's status fields, which every subscriber that may see the case may be told)."""
    return {
        "event": f"case.{action}",
        "occurred_at": at.isoformat(),
        "case": {
            **status_fields(case),
            "from_state": from_state,
            "deadline": deadline.isoformat() if deadline else None,
            "url": f"/api/v1/cases/{case.number}",
        },
    }


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def deliver_due(now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send what is due; returns how many were delivered, will be retried, or gave up."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    for delivery in due.select_related("subscription").order_by("id")[:limit]:
        if _claim(delivery, now):
            try:
                counts[_send(delivery, now)] += 1
            except Exception:  # one broken delivery must not hold up the others
                log.exception("webhook delivery failed unexpectedly delivery=%s", delivery.pk)
                counts["retry"] += 1  # its lease runs out and it is tried again
    return counts


def _claim(delivery: WebhookDelivery, now: dt.datetime) -> bool:
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE)
    return claimed == 1


def _send(delivery: WebhookDelivery, now: dt.datetime) -> str:
    sub = delivery.subscription
    error, status = "", None
    try:
        if not sub.active:
            raise OSError("订阅已停用")
        status = _post(target(sub.url), sub, delivery, now)
    except ValidationError as refused:
        error = "；".join(refused.messages)
    except (OSError, ValueError, http.client.HTTPException) as failed:
        error = (str(failed) or type(failed).__name__)[:200]
        # The receiver's or the secret's fault, not ours: a warning without a traceback.
        log.warning(
            "webhook delivery failed delivery=%s error=%s", delivery.pk, type(failed).__name__
        )
    return _record(delivery, now, status, error)


def _post(to: Target, sub: WebhookSubscription, delivery: WebhookDelivery, now: dt.datetime) -> int:
    """One POST to the checked address; a redirect is an answer, not an instruction to POST
    somewhere else."""
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Outpost-Webhooks/1",
        "X-Outpost-Event": delivery.event,
        "X-Outpost-Delivery": str(delivery.pk),
        "X-Outpost-Signature": signature(decrypt(sub.secret_enc), int(now.timestamp()), body),
    }
    connection = (_PinnedTLS if to.tls else _Pinned)(to, TIMEOUT_SECONDS)
    try:
        connection.request("POST", to.path, body=body, headers=headers)
        return int(connection.getresponse().status)
    finally:
        connection.close()


def _record(delivery: WebhookDelivery, now: dt.datetime, status: int | None, error: str) -> str:
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
    if status is not None and 200 <= status < 300:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "last_error": ""}
        outcome = "delivered"
    elif attempts >= MAX_ATTEMPTS:
        fields["status"] = DeliveryStatus.FAILED
        outcome = "failed"
    else:
        fields["next_attempt_at"] = now + backoff(attempts)
        outcome = "retry"
    if status is not None and not fields.get("last_error") and outcome != "delivered":
        fields["last_error"] = f"HTTP {status}"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the first, second, third … failure, at most six hours."""
    return min(dt.timedelta(minutes=2 ** (attempts - 1)), dt.timedelta(hours=6))


class _Pinned(http.client.HTTPConnection):
    """Connects to the address that was checked instead of looking the name up again; the
    Host header still names the host of the subscription's URL."""

    def __init__(self, to: Target, timeout: float) -> None:
        super().__init__(to.host, to.port, timeout=timeout)
        self.address = to.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(_Pinned):
    """The same over TLS: the certificate is verified for the URL's host (sent as SNI)."""

    default_port = 443

    def connect(self) -> None:
        super().connect()
        # A fresh default context: the certificate and the host name are checked against the
        # system's authorities as they are now.
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


@task()
def deliver_webhooks_task() -> None:
    """Sends new events at once; retries are picked up by the sweep worker's loop."""
    deliver_due()
