"""Command room pages: the dispatch board (also as a wall screen), its live feed, dispatch,
and the duty roster. Every room comes from `queries.rooms_for` (404 outside it)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import Category, Source
from outpost.command import board, duty, queries, reporters
from outpost.command.forms import HandoverForm, MemberForm, ShiftForm
from outpost.command.services import dispatch_on_route
from outpost.core.forms import show_refusal

BOARD_ROWS = 200


@login_required
def rooms(request: SignedInRequest) -> HttpResponse:
    found = list(queries.rooms_for(request.user))
    if not found:
        raise PermissionDenied  # the same rule as the header's item: runs no room
    if len(found) == 1:
        return redirect("command:board", station=found[0].station.code)
    return render(request, "command/rooms.html", {"rooms": found})


@login_required
@require_GET
def board_page(request: SignedInRequest, station: str) -> HttpResponse:
    room = queries.get_room(request.user, station)
    context = {
        "room": room,
        "wall": request.GET.get("wall") == "1",
        "filters": board.BoardFilter.from_query(request.GET),
        "categories": Category.objects.order_by("code"),
        "sources": Source.choices,
        "grids": board.room_grids(room),
        **_feed(request, room),
    }
    return render(request, "command/board.html", context)


@login_required
@require_GET
def board_feed(request: SignedInRequest, station: str) -> JsonResponse:
    """What the board shows, for the page to refresh itself every few seconds."""
    return JsonResponse(_feed(request, queries.get_room(request.user, station)))


def _feed(request: SignedInRequest, room: Any) -> dict[str, Any]:
    now = timezone.now()
    wanted = board.BoardFilter.from_query(request.GET)
    cases = board.pending(room, request.user, wanted)
    total = cases.count()
    return {
        "generated_at": now.isoformat(),
        "total": total,
        "rows": board.rows(list(cases[:BOARD_ROWS]), request.user, now),
        "on_duty": [
            s.member.user.display_name or s.member.user.username for s in queries.on_duty(room, now)
        ],
    }


@login_required
@require_POST
def dispatch(request: SignedInRequest, station: str) -> HttpResponse:
    room = queries.get_room(request.user, station)
    only = request.POST.get("only")  # a row's own button: that case, whatever else is ticked
    numbers = [only] if only else request.POST.getlist("number")
    try:
        outcomes = dispatch_on_route(room, numbers, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("command:board", station=station)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"outcomes": [o.__dict__ for o in outcomes]})
    for o in outcomes:
        (messages.success if o.ok else messages.error)(request, f"{o.number}：{o.message}")
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = f"/command/{station}/board/"  # only back to a page of this site
    return redirect(back)


@login_required
def duty_page(request: SignedInRequest, station: str) -> HttpResponse:
    room = queries.get_room(request.user, station)
    members = queries.members(room)
    forms = {
        "member_form": MemberForm(),
        "shift_form": ShiftForm(members=members),
        "handover_form": HandoverForm(),
    }
    if request.method == "POST":
        bound = _roster_post(request, room, members)
        if bound is None:
            return redirect("command:duty", station=station)
        forms.update(bound)
    return render(request, "command/duty.html", {**_roster(room, request.user), **forms})


def _roster(room: Any, user: User) -> dict[str, Any]:
    now = timezone.now()
    current = list(queries.on_duty(room, now))
    return {
        "room": room,
        "members": queries.members(room),
        "shifts": queries.roster(room, now),
        "current": current,
        "my_shift": next((s for s in current if s.member.user_id == user.pk), None),
        "last_handover": queries.last_handover(room, now),
        "now": now,
    }


def _roster_post(request: SignedInRequest, room: Any, members: Any) -> dict[str, Any] | None:
    """Apply one roster form; None when done, else the bound form to show with its errors."""
    what = request.POST.get("form")
    if what == "remove":
        member = get_object_or_404(members, pk=_number(request.POST.get("member")))
        duty.remove_member(member, actor=request.user)
        return None
    if what == "handover":
        return _handover(request, room)
    if what == "member":
        form: Any = MemberForm(request.POST)
        return _apply(
            request,
            form,
            "member_form",
            lambda d: duty.add_member(room, d["username"], d["kind"], actor=request.user),
        )
    if what == "shift":
        form = ShiftForm(request.POST, members=members)
        return _apply(
            request,
            form,
            "shift_form",
            lambda d: duty.add_shift(d["member"], d["starts_at"], d["ends_at"], actor=request.user),
        )
    raise Http404


def _handover(request: SignedInRequest, room: Any) -> dict[str, Any] | None:
    form = HandoverForm(request.POST)
    mine = [s for s in queries.on_duty(room, timezone.now()) if s.member.user_id == request.user.pk]
    if not mine:
        messages.error(request, _("You are not on duty now."))
        return None
    return _apply(
        request,
        form,
        "handover_form",
        lambda d: duty.hand_over(mine[0], d["note"], actor=request.user),
    )


def _apply(request: HttpRequest, form: Any, key: str, apply: Any) -> dict[str, Any] | None:
    if form.is_valid():
        try:
            apply(form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
            return {key: form}
        messages.success(request, _("Saved."))
        return None
    return {key: form}


@login_required
def reporters_page(request: SignedInRequest, station: str) -> HttpResponse:
    room = queries.get_room(request.user, station)
    return render(
        request,
        "command/reporters.html",
        {"room": room, "tally": reporters.tally(room, request.user)},
    )


def _number(value: str | None) -> int:
    """A posted id; anything that is not one is a 404, like an id that does not exist."""
    if not (value or "").isdigit():
        raise Http404
    return int(value or 0)
