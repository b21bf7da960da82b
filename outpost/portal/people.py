"""Find my people (警网联系卡): for a place, its grid, the grid's workers, the beat's community
officers and the community's outpost (平安前哨) with its opening hours. Staff are shown as each
chose on their public card (`PublicContact`): by default their role and outpost only."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import RoleAssignment
from outpost.accounts.roles import Role
from outpost.geo.locator import locate
from outpost.geo.models import OutpostStation
from outpost.portal.models import PublicContact
from outpost.stations.models import OpeningSpan

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
SHOWN_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_OFFICER)


@dataclass(frozen=True)
class Contact:
    role: str
    name: str = ""  # "" unless they chose to show it
    phone: str = ""  # their public work phone, if they gave one


@dataclass(frozen=True)
class Hours:
    day: str
    spans: str  # "08:30–12:00、14:00–17:30"


@dataclass
class ContactCard:
    grid_name: str
    community_name: str = ""
    station: OutpostStation | None = None
    hours: list[Hours] = field(default_factory=list)
    workers: list[Contact] = field(default_factory=list)
    officers: list[Contact] = field(default_factory=list)


def contact_card(lon: float, lat: float) -> ContactCard | None:
    """The card for a point, or None outside every grid."""
    place = locate(lon, lat)
    if place.grid_code is None:
        return None
    station = (
        OutpostStation.objects.select_related("community")
        .filter(community__code=place.community_code)
        .first()
    )
    card = ContactCard(grid_name=place.grid_name or "", station=station)
    card.community_name = station.community.name if station else ""
    card.hours = opening_hours(station) if station else []
    people = _people(place.grid_code, place.beat_code or "")
    card.workers = people.get(Role.GRID_WORKER, [])
    card.officers = people.get(Role.COMMUNITY_OFFICER, [])
    return card


def _people(grid_code: str, beat_code: str) -> dict[str, list[Contact]]:
    """The grid's workers and the beat's community officers, with their public cards (one
    query)."""
    assignments = (
        RoleAssignment.objects.filter(user__is_active=True)
        .filter(
            Q(role=Role.GRID_WORKER, scope_code=grid_code)
            | Q(role=Role.COMMUNITY_OFFICER, scope_code=beat_code or "-")
        )
        .select_related("user__public_contact")
        .order_by("role", "user_id")
    )
    found: dict[str, list[Contact]] = {}
    for a in assignments:
        card = getattr(a.user, "public_contact", None)
        found.setdefault(a.role, []).append(_contact(a, card))
    return found


def _contact(a: RoleAssignment, card: PublicContact | None) -> Contact:
    label = str(Role(a.role).label)
    if card is None:
        return Contact(label)
    return Contact(label, str(a.user) if card.show_name else "", card.work_phone)


def opening_hours(station: OutpostStation) -> list[Hours]:
    """The station's opening hours by weekday (from `outpost.stations`' OpeningSpan); [] when
    none are set."""
    days: dict[int, list[str]] = {}
    for span in OpeningSpan.objects.filter(station=station).order_by("weekday", "opens"):
        days.setdefault(span.weekday, []).append(f"{span.opens:%H:%M}–{span.closes:%H:%M}")
    return [Hours(str(WEEKDAYS[d % 7]), "、".join(spans)) for d, spans in sorted(days.items())]
