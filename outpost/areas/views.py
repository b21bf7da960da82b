"""Area pages: the hierarchy browser (civil and police) and the map."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.areas import queries
from outpost.areas.panels import grid_panels

MAP_ACTIONS = ("view", "view_registry", "view_cases", "report", "heat")


@login_required
def area_index(request: SignedInRequest) -> HttpResponse:
    top = queries.divisions_for(request.user).filter(level="district")
    return render(
        request,
        "geo/area_index.html",
        {
            "districts": [(d, queries.child_rows(request.user, d)) for d in top],
            "totals": queries.area_totals(request.user),
            "stations": queries.station_rows(request.user),
        },
    )


@login_required
def division_detail(request: SignedInRequest, code: str) -> HttpResponse:
    division = get_for_user(queries.divisions_for(request.user), request.user, code=code)
    grids = queries.grids_for(request.user).filter(community=division)
    return render(
        request,
        "geo/division_detail.html",
        {
            "division": division,
            "ancestors": _ancestors(division),
            "children": queries.child_rows(request.user, division),
            "grids": grids if division.level == "community" else [],
            "outpost": queries.outposts_for(request.user).filter(community=division).first(),
        },
    )


@login_required
def grid_detail(request: SignedInRequest, code: str) -> HttpResponse:
    grid = get_for_user(queries.grids_for(request.user), request.user, code=code)
    return render(
        request,
        "geo/grid_detail.html",
        {
            "grid": grid,
            "ancestors": [*_ancestors(grid.community), grid.community],
            "overlaps": queries.grid_overlaps(request.user, grid),
            "staff": queries.grid_staff(grid),
            "panels": grid_panels(request.user, grid),
        },
    )


@login_required
def station_detail(request: SignedInRequest, code: str) -> HttpResponse:
    station = get_for_user(queries.units_for(request.user), request.user, code=code)
    return render(
        request,
        "geo/station_detail.html",
        {
            "station": station,
            "beats": queries.beat_rows(request.user, station),
            "room": getattr(station, "command_room", None),
        },
    )


@login_required
def beat_detail(request: SignedInRequest, code: str) -> HttpResponse:
    beat = get_for_user(queries.beats_for(request.user), request.user, code=code)
    return render(
        request,
        "geo/beat_detail.html",
        {
            "beat": beat,
            "overlaps": queries.beat_overlaps(request.user, beat).order_by("-beat_share"),
            "officers": queries.beat_staff(beat),
        },
    )


@login_required
def area_map(request: SignedInRequest) -> HttpResponse:
    """The map; each layer is offered only to whom its API answers (see `map_layers`)."""
    return render(request, "geo/map.html", {"layers": map_layers(request.user)})


def map_layers(user: User) -> dict[str, bool]:
    """Which of the map's layers the user's roles give: roads for whoever sees an area,
    organisations with the registry, cases with any case of their own or their area, the
    heat map for who commands a street or a station, patrol coverage with the registry, and
    the early warnings (预警图) for who sees cases over an area."""
    seen = {action: not scope_for(user, action).empty for action in MAP_ACTIONS}
    cases = scope_for(user, "view_cases")
    return {
        # 预警图: who sees cases over an area (warnings.queries.may_see, the same rule)
        "warnings": bool(cases.everything or cases.civil or cases.police),
        "roads": seen["view"],
        "organisations": seen["view_registry"],
        "cases": seen["view_cases"] or seen["report"],
        "heat": seen["heat"],
        "coverage": seen["view_registry"],  # patrols are read with the area's registry
    }


def _ancestors(division: object) -> list[object]:
    chain = []
    node = getattr(division, "parent", None)
    while node is not None and node.level != "city":
        chain.append(node)
        node = node.parent
    return chain[::-1]
