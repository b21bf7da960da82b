"""Signed webhooks (事件推送) delivered from an outbox.

An event row is written in the same transaction as the case change it reports, so a change is
never announced without happening, nor happens unannounced. A worker sends due rows, claiming
each with a conditional update; a receiver that does not answer 2xx is tried again after 1, 2,
4 … minutes, up to MAX_ATTEMPTS. Each POST carries `X-Outpost-Signature: t=<unix>,v1=<hex>`,
the HMAC-SHA256 of "<t>.<body>" under the subscription's secret.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from outpost.cases.models import Case, DeliveryStatus, WebhookDelivery, WebhookSubscription
from outpost.cases.presenter import status_fields
from outpost.cases.workflow import ACTIONS
from outpost.core.audit import record_change
from outpost.core.crypto import decrypt, encrypt
from outpost.core.refusals import refusal

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


def unsubscribe(sub: WebhookSubscription, *, actor: Any) -> None:
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
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("The webhook URL is malformed")}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("The webhook URL must be an http or https URL")})
    if settings.OUTPOST_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
    except OSError:
        found = refusal(_("Cannot resolve the webhook host: %(host)s"), host=parts.hostname)
        raise ValidationError({"url": found}) from None
    if not all(_public(info[4][0]) for info in infos):
        raise ValidationError({"url": _("A webhook may not point at a private or local address")})


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _public(address: str) -> bool:
    """A global address that does not smuggle a private IPv4 one (mapped, 6to4, NAT64)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and not inner.is_global:
            return False
    return ip.is_global


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
            counts[_send(delivery, now)] += 1
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
        check_url(sub.url)
        status = _post(sub, delivery, now)
    except ValidationError as refused:
        error = "；".join(refused.messages)
    except (OSError, urllib.error.URLError) as failed:
        error = str(getattr(failed, "reason", failed))[:200]
    return _record(delivery, now, status, error)


def _post(sub: WebhookSubscription, delivery: WebhookDelivery, now: dt.datetime) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(sub.url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "Outpost-Webhooks/1")
    request.add_header("X-Outpost-Event", delivery.event)
    request.add_header("X-Outpost-Delivery", str(delivery.pk))
    request.add_header(
        "X-Outpost-Signature", signature(decrypt(sub.secret_enc), int(now.timestamp()), body)
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return int(answer.code)


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver's redirect is an answer, not an instruction to POST somewhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


@task()
def deliver_webhooks_task() -> None:
    """Sends new events at once; retries are picked up by the sweep worker's loop."""
    deliver_due()
