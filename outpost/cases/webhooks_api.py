"""Webhook subscriptions over the API: an external system, signed in with its account's token,
subscribes to case events of that account's area and sees how its deliveries went."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases import webhooks
from outpost.cases.models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])


class SubscriptionIn(Schema):
    url: str = Field(..., max_length=500)
    events: list[str] = Field([], description="Case actions to hear about; empty for all")


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str = Field(..., description="Shown once: verify X-Outpost-Signature with it")


class DeliveryOut(Schema):
    id: int
    event: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None


def _out(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "url": sub.url,
        "events": [e for e in sub.events.split(",") if e],
        "active": sub.active,
        "created_at": sub.created_at,
    }


def _own(request: HttpRequest, pk: int) -> WebhookSubscription:
    sub = WebhookSubscription.objects.filter(pk=pk, owner_id=request.user.pk).first()
    if sub is None:
        raise Http404
    return sub


@router.post("", response={201: NewSubscriptionOut}, summary="Subscribe to case events")
def create_subscription(request: SignedInRequest, body: SubscriptionIn) -> Status[dict[str, Any]]:
    if scope_for(request.user, "view_cases").empty:
        raise PermissionDenied
    sub, secret = webhooks.subscribe(request.user, body.url, body.events)
    return Status(201, {**_out(sub), "secret": secret})


@router.get("", response=list[SubscriptionOut], summary="Your subscriptions")
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(s) for s in WebhookSubscription.objects.filter(owner_id=request.user.pk)]


@router.get("/{pk}/deliveries", response=list[DeliveryOut], summary="Latest deliveries")
def list_deliveries(request: HttpRequest, pk: int) -> Any:
    return WebhookDelivery.objects.filter(subscription=_own(request, pk)).order_by("-id")[:100]


@router.delete("/{pk}", response={204: None}, summary="Stop a subscription")
def delete_subscription(request: SignedInRequest, pk: int) -> Status[None]:
    webhooks.unsubscribe(_own(request, pk), actor=request.user)
    return Status(204, None)
