"""The dashboards: a leader's page (`/dashboard/`) and the command room's wall screen
(`/dashboard/wall/`, 1920×1080, refreshing itself). The figures are drawn in the page from the
JSON of `dashboard.api`; the tiles are written into the page too, so they link without script."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from outpost.accounts.signed_in import SignedInRequest
from outpost.dashboard import queries, windows
from outpost.dashboard.windows import Window

REFRESH = 30  # seconds between the wall's readings
REFRESH_RANGE = (2, 600)
LABELS = {
    "new": _("New cases"),
    "open": _("Still open"),
    "overdue": _("Overdue"),
    "red": _("Red cards"),
    "satisfaction": _("Satisfaction"),
}


def _window(request: SignedInRequest, default: str) -> tuple[Window, bool]:
    try:
        return windows.parse(request.GET.get("period", "") or default), False
    except windows.BadWindow:
        return windows.parse(default), True


def _context(request: SignedInRequest, default: str) -> dict[str, Any]:
    queries.check(request.user)
    window, bad = _window(request, default)
    mapped = queries.mapped_indicators(request.user)
    return {
        "window": window,
        "areas": queries.areas_of(request.user),
        "bad_period": bad,
        "choices": windows.choices(),
        "tiles": [(t, LABELS[t.key]) for t in queries.summary(request.user, window)],
        "indicators": [i for i, _kind in mapped],
        "map_kind": mapped[0][1] if mapped else "",
    }


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    return render(request, "dashboard/index.html", _context(request, windows.DEFAULT))


@login_required
@require_GET
def wall(request: SignedInRequest) -> HttpResponse:
    context = _context(request, "today")
    try:
        every = int(request.GET.get("every", REFRESH))
    except ValueError:
        every = REFRESH
    context["every"] = max(REFRESH_RANGE[0], min(REFRESH_RANGE[1], every))
    return render(request, "dashboard/wall.html", context)
