"""The start page (今日待办): a section of work for each of the user's roles, each count one tap
from its list and each list one tap from its action; the roles table and the second-factor
notice stay below, small."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from outpost.accounts.models import User
from outpost.accounts.roles import SECOND_FACTOR_ACTIONS, Role
from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.accounts.signin import has_authenticator
from outpost.core.worklist import sections_for
from outpost.workbench import queries as q

HANDLERS = (Role.GRID_WORKER, Role.GRID_LEADER, Role.AUXILIARY_POLICE, Role.DEPARTMENT_HANDLER)
COMMANDERS = (Role.STREET_COMMANDER, Role.GRID_LEADER)


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    user = request.user
    assignments = list(user.assignments.order_by("role", "scope_code"))
    roles = {a.role for a in assignments}
    if user.is_superuser:
        roles |= {Role.STREET_COMMANDER, Role.ADMIN}
    context = {
        "assignments": assignments,
        "sections": sections(user, roles),
        "second_factor": _second_factor_notice(user),
    }
    return render(request, "workbench/home.html", context)


EMPTY = {
    "handler": (
        _("Nothing is waiting for you. Report what you find on your rounds."),
        "cases:report",
    ),
    "officer": (_("Nothing is waiting for you. Check the cases of your beat."), "cases:queue"),
    "reporter": (_("Nothing open from you. Report what you see."), "cases:report"),
    "admin": (_("Every account can sign in and uses two-step verification."), "accounts:users"),
    "auditor": (_("No emergency opening awaits review. Read the access log."), "audit:log"),
}


def sections(user: User, roles: set[str]) -> list[dict[str, Any]]:
    """One section per kind of work the user's roles give, in working order; a section with
    nothing to do says what to do next."""
    found = _sections(user, roles)
    for section in found:
        idle = not any(t.count for t in section.get("tiles", []))
        if idle and section["key"] in EMPTY:
            words, target = EMPTY[section["key"]]
            if target == "cases:report" and scope_for(user, "report").empty:
                target = "cases:queue"  # a department's handler files no reports
            section["empty"], section["next"] = words, reverse(target)
    return found


def _sections(user: User, roles: set[str]) -> list[dict[str, Any]]:
    now = timezone.now()
    found = []
    if roles & set(HANDLERS):
        found.append(_handler(user))
    if Role.COMMUNITY_OFFICER in roles:
        found.append(_officer(user))
    if Role.DUTY_OFFICER in roles:
        found.append({"key": "duty", "title": _("Command room"), "rooms": q.rooms(user, now)})
        found[-1]["tiles"] = [_tile_unsigned(user)]
    if roles & set(COMMANDERS):
        found.append(
            {"key": "area", "title": _("Today in my area"), "overview": q.overview(user, now)}
        )
    if Role.ADMIN in roles:
        found.append(_admin(user, now))
    if Role.REPORTER in roles:
        tile = q.case_tile(user, "mine", _("My reports still open"), "mine", state="open")
        found.append({"key": "reporter", "title": _("My reports"), "tiles": [tile]})
    if (Role.AUDITOR in roles or Role.ADMIN in roles) and not scope_for(user, "audit").empty:
        found.append(_auditor(user))
    return found + sections_for(user)  # those the apps register (`core.worklist`)


def _handler(user: User) -> dict[str, Any]:
    tiles = [
        q.case_tile(user, "sign_on", _("To sign on"), "units", state="dispatched"),
        q.case_tile(user, "due_today", _("Due today"), "units", due="today"),
        q.case_tile(user, "overdue", _("Overdue"), "units", overdue="on"),
        q.Tile(
            "instructions",
            _("Instructions to answer"),
            q.instructions_to_answer(user),
            reverse("instructions:inbox") + "?tab=received&open=1",
        ),
    ]
    if q.collects(user):  # only those who enter registry records have edits to be returned
        returned = q.returned_edits(user)
        tiles.append(
            q.Tile(
                "returned",
                _("Edits returned to me"),
                returned,
                reverse("registry:returned"),
                urgent=True,
            )
        )
    return {"key": "handler", "title": _("My cases today"), "tiles": tiles}


def _officer(user: User) -> dict[str, Any]:
    tiles = [
        q.case_tile(user, "verify", _("Verifications waiting"), "verify"),
        q.case_tile(user, "police", _("Open cases with my beat"), "units", state="open"),
        q.case_tile(user, "overdue", _("Overdue"), "units", overdue="on"),
        q.Tile(
            "openings", _("My emergency openings awaiting review"), q.own_openings(user).count()
        ),
    ]
    return {"key": "officer", "title": _("My beat today"), "tiles": tiles}


def _tile_unsigned(user: User) -> q.Tile:
    count = q.unsigned_instructions(user)
    return q.Tile(
        "unsigned",
        _("Instructions not yet signed on"),
        count,
        reverse("instructions:inbox") + "?tab=rooms&open=1",
    )


def _admin(user: User, now: Any) -> dict[str, Any]:
    locked = q.locked_accounts(user, now)
    bare = q.without_second_factor(user)
    return {
        "key": "admin",
        "title": _("Accounts"),
        "tiles": [
            q.Tile(
                "locked",
                _("Locked accounts"),
                locked.count(),
                reverse("accounts:users"),
                urgent=True,
            ),
            q.Tile(
                "no_2fa",
                _("Users without two-step verification"),
                bare.count(),
                reverse("accounts:users"),
            ),
        ],
        "people": {"locked": list(locked[:10]), "no_2fa": list(bare[:10])},
    }


def _auditor(user: User) -> dict[str, Any]:
    count = q.openings_to_review(user)
    tile = q.Tile(
        "openings", _("Emergency openings to review"), count, reverse("audit:break_glass")
    )
    return {"key": "auditor", "title": _("To review"), "tiles": [tile]}


def _second_factor_notice(user: User) -> dict[str, bool] | None:
    """Only for holders of a role that signs in with a second factor."""
    needs = any(not scope_for(user, action).empty for action in SECOND_FACTOR_ACTIONS)
    if not needs:
        return None
    return {"on": has_authenticator(user)}
