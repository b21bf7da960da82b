"""The inbox page: one's own messages about cases and instructions; opening one marks it read
and leads to its page (which its own scope then guards)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.notifications import queries, services

PAGE = 50


@login_required
def inbox(request: SignedInRequest) -> HttpResponse:
    found = queries.messages_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        found = found.filter(read_at__isnull=True)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": queries.worded(page, request.user),
        "unread": queries.unread_count(request.user),
        "extra": "unread=1&" if only_unread else "",
    }
    return render(request, "notifications/inbox.html", context)


@login_required
def open_message(request: SignedInRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(queries.messages_for(request.user), pk=pk)
    services.mark_read(request.user, note.pk)
    # The page as worded for the reader now: none for a subject they no longer see.
    return redirect(queries.worded([note], request.user)[0].url or "notifications:inbox")


@login_required
@require_POST
def read_all(request: SignedInRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("notifications:inbox")
