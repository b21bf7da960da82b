"""Scoped reads of the service guides and the requests for help.

Who may do what (the one place it is decided):
- matters: published ones are public; editing the catalogue (and seeing unpublished matters)
  takes `change` over the whole district (the district's administrator): `edits_matters`.
- requests, read: whoever reads the registry (`view_registry`) where the request lies, its grid
  or its beat: the grid's worker and leader, the beat's officer, the street's commander, the
  district's administrator. Others get 404.
- requests, act (accept, start, finish, decline): its assignee; anyone who `handle`s there when
  it is assigned to nobody (the outpost's); whoever `dispatch`es there. Other readers get 403.
- entering a request for a resident: whoever `handle`s or `dispatch`es in a grid or beat.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.geo.models import Grid
from outpost.guides import search
from outpost.guides.models import OPEN_STATES, Matter, MatterTerm, ServiceRequest

SEEN = "view_registry"
DISTRICT_PREFIX = 6  # 320106…: a scope this short (or shorter) covers the whole district
LIST_LIMIT = 100


def edits_matters(user: User) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user, "change")
    district = settings.OUTPOST_DISTRICT_CODE[:DISTRICT_PREFIX]
    return scope.everything or any(
        len(p) <= DISTRICT_PREFIX and district.startswith(p) for p in scope.civil
    )


def matters_for(user: User | None) -> QuerySet[Matter]:
    rows = Matter.objects.all()
    if user is None or not edits_matters(user):
        rows = rows.filter(published=True)
    return rows.order_by("title")


def get_matter(user: User | None, code: str) -> Matter:
    matter = matters_for(user).filter(code=code).first()
    if matter is None:
        raise Http404
    return matter


def search_matters(user: User | None, query: str) -> list[Matter]:
    """The matters matching a query, best first (three queries)."""
    shown = matters_for(user)
    ids = search.search_ids(query, MatterTerm, shown.values_list("pk", flat=True))
    found = {m.pk: m for m in shown.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def substring_matters(query: str) -> list[Matter]:
    """The plain substring search (the anchor the bench compares with)."""
    q = query.strip()
    where = Q(title__icontains=q) | Q(summary__icontains=q) | Q(keywords__icontains=q)
    return list(Matter.objects.filter(published=True).filter(where).order_by("title"))


# --- requests -----------------------------------------------------------------------------------


def sees_requests(user: User) -> bool:
    scope = scope_for(user, SEEN)
    return scope.everything or bool(scope.civil or scope.police)


def handles_here(user: User) -> bool:
    """Whether the user handles work in a grid or beat (grid workers, officers, leaders)."""
    scope = scope_for(user, "handle")
    return scope.everything or bool(scope.civil or scope.police)


def enters_requests(user: User) -> bool:
    for action in ("handle", "dispatch"):
        scope = scope_for(user, action)
        if scope.everything or scope.civil or scope.police:
            return True
    return False


def entry_grids(user: User) -> QuerySet[Grid]:
    """The grids a staff member may enter requests for: where they handle or dispatch."""
    handles = restrict(Grid.objects.order_by(), user, "handle").values("pk")
    dispatches = restrict(Grid.objects.order_by(), user, "dispatch").values("pk")
    where = Q(pk__in=handles) | Q(pk__in=dispatches)
    return Grid.objects.filter(where).select_related("community")


def requests_for(user: User) -> QuerySet[ServiceRequest]:
    rows = ServiceRequest.objects.select_related("matter", "assignee")
    return restrict(rows, user, SEEN)


def may_act(user: User, request: ServiceRequest) -> bool:
    one = ServiceRequest.objects.filter(pk=request.pk)
    if restrict(one, user, "dispatch").exists():
        return True
    if request.assignee_id == user.pk:
        return True
    return request.assignee_id is None and restrict(one, user, "handle").exists()


def get_request(user: User, pk: int, action: str = "view") -> ServiceRequest:
    """The request if the user sees it (404 otherwise); 403 for `act` unless they may act."""
    found = requests_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    if action == "act" and not may_act(user, found):
        raise PermissionDenied
    return found


def open_for(user: User) -> QuerySet[ServiceRequest]:
    """The open requests waiting on the user: theirs, and the unassigned ones where they
    handle."""
    rows = restrict(ServiceRequest.objects.all(), user, "handle").filter(state__in=OPEN_STATES)
    rows = rows.filter(Q(assignee=user) | Q(assignee=None))
    return rows.select_related("matter").order_by("due_at", "pk")


def work_section(user: User) -> dict[str, Any] | None:
    """The start page's "待办服务" section, for those who handle in a grid or beat."""
    if not handles_here(user):
        return None
    count = open_for(user).count()
    rows = list(open_for(user)[:10]) if count else []
    section: dict[str, Any] = {
        "key": "services",
        "title": _("Service requests to do"),
        "template": "guides/work_section.html",
        "requests": rows,
        "count": count,
    }
    if not rows:
        section["empty"] = _("No resident is waiting for your help.")
        section["next"] = reverse("guides:requests")
    return section


def resident_request(code: str) -> ServiceRequest:
    found = ServiceRequest.objects.select_related("matter").filter(code=code).first()
    if found is None:
        raise Http404
    return found
