"""The in-app inbox (站内消息): each user's own notifications about cases — new dispatches,
supervision cards, escalations. Nobody reads another's inbox; opening a message marks it read
and leads to the case (which its own scope then guards)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from outpost.cases.models import Notification

PAGE = 50


def messages_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).select_related("case")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return messages_for(user).filter(read_at__isnull=True).count()


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    found = messages_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        found = found.filter(read_at__isnull=True)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    extra = "unread=1&" if only_unread else ""
    context = {"page": page, "unread": unread_count(request.user), "extra": extra}
    return render(request, "cases/inbox.html", context)


@login_required
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(messages_for(request.user), pk=pk)
    Notification.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:detail", number=message.case.number)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    messages_for(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:inbox")
