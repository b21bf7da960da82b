"""The in-app inbox (站内消息): each user's own notifications about cases — new dispatches,
supervision cards, escalations, and what became of one's own reports. Nobody reads another's
inbox; opening a message marks it read and leads to the case (which its own scope then guards).

A message is stored as an event code on a case and worded here, when it is read, for the one
reading it: the case's title only as the case presenter lets them see it, so a police-only
case's title never reaches a civil role, and a case that left their area shows no title."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import Case, Notification
from outpost.cases.presenter import CaseView, present_case
from outpost.cases.services import visible_cases

PAGE = 50
EVENTS: dict[str, Promise] = {
    "dispatched": _("New dispatch: %(number)s %(title)s"),
    "card_yellow": _("Yellow card: %(number)s %(title)s"),
    "card_red": _("Red card: %(number)s %(title)s"),
    "urged": _("Urged: %(number)s %(title)s"),
    "accepted": _("Your report was accepted: %(number)s %(title)s"),
    "rejected": _("Your report was not accepted: %(number)s %(title)s"),
    "completed": _("Your report has been handled: %(number)s %(title)s"),
    "closed": _("Your report is closed: %(number)s %(title)s"),
}
# Messages kept from before events were stored, whose words could not be told apart.
OTHER = _("A message about case %(number)s")
WITH_REASON = _("%(message)s. Reason: %(reason)s")


def messages_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).select_related("case")


def worded(messages: Iterable[Notification], viewer: Any) -> list[tuple[Notification, str]]:
    """Each message with its words for this viewer (one query for which cases they may see)."""
    found = list(messages)
    ids = {m.case_id for m in found}
    seen = set(visible_cases(viewer).filter(pk__in=ids).values_list("pk", flat=True))
    return [(m, _words(m, present_case(m.case, viewer, visible=m.case_id in seen))) for m in found]


def _words(message: Notification, seen: CaseView) -> str:
    template = EVENTS.get(message.event)
    if template is None:
        return str(OTHER % {"number": seen.case.number})
    text = str(template % {"number": seen.case.number, "title": seen.title}).strip()
    reason = seen.comment(_reason(seen.case)) if message.event == "rejected" else ""
    return str(WITH_REASON % {"message": text, "reason": reason}) if reason else text


def _reason(case: Case) -> str:
    """Why it was not accepted: what the one who rejected it said (read now, never copied)."""
    step = case.timeline.filter(action="reject").order_by("-at", "-id").first()
    return step.comment.strip() if step else ""


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return messages_for(user).filter(read_at__isnull=True).count()


@login_required
def inbox(request: SignedInRequest) -> HttpResponse:
    found = messages_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        found = found.filter(read_at__isnull=True)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    extra = "unread=1&" if only_unread else ""
    rows = worded(page, request.user)
    context = {"page": page, "rows": rows, "unread": unread_count(request.user), "extra": extra}
    return render(request, "cases/inbox.html", context)


@login_required
def open_message(request: SignedInRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(messages_for(request.user), pk=pk)
    Notification.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:detail", number=message.case.number)


@login_required
@require_POST
def read_all(request: SignedInRequest) -> HttpResponse:
    messages_for(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:inbox")
