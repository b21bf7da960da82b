"""What a viewer sees of a case, decided in one place. Police-only (涉警) details are for police
roles and for whoever reported the case; civil roles see the status and the outcome. The case
page, the queue, the API, the command room's board feed, inbox notifications and webhook
payloads all read a case through `present_case` (or `status_fields`, what everyone who may see
the case at all is told), so no surface can show more than another."""

from dataclasses import dataclass
from typing import Any

from outpost.accounts.roles import Role
from outpost.accounts.scope import scope_for
from outpost.cases.models import Case, Sensitivity

POLICE_ONLY_TITLE = "（涉警内容）"


POLICE_ROLES = (Role.COMMUNITY_OFFICER, Role.AUXILIARY_POLICE, Role.DUTY_OFFICER)


def is_police_for(case: Case, viewer: Any) -> bool:
    """Holds a police role over this case: its beat, or a unit it was dispatched to, lies under
    one of the viewer's police roles. A police role elsewhere does not make someone police for
    the cases they see in a civil role (a grid worker who is auxiliary police in another street)."""
    if scope_for(viewer, "view_cases").everything:
        return True
    prefixes = _police_prefixes(viewer)
    if not prefixes:
        return False
    if case.beat_code and case.beat_code.startswith(prefixes):
        return True
    units = case.assignments.values_list("unit_code", flat=True)
    return any(unit.startswith(prefixes) for unit in units if unit)


def _police_prefixes(viewer: Any) -> tuple[str, ...]:
    if "_outpost_police" not in viewer.__dict__:  # once per request, like the scopes
        held = viewer.assignments.filter(role__in=POLICE_ROLES).values_list(
            "police_prefix", flat=True
        )
        viewer.__dict__["_outpost_police"] = tuple(p for p in held if p)
    return tuple(viewer.__dict__["_outpost_police"])


def sees_details(case: Case, viewer: Any) -> bool:
    """Police-only details are for police roles and the reporter; civil roles see status and
    outcome."""
    if case.sensitivity != Sensitivity.POLICE_ONLY:
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return case.reporter_id == viewer.pk or is_police_for(case, viewer)


@dataclass(frozen=True)
class CaseView:
    """A case as one viewer may see it. `visible` is False when the viewer may not see the case
    at all (a notification kept after the case left their area): then not even its title."""

    case: Case
    details: bool
    visible: bool = True

    @property
    def title(self) -> str:
        if self.details:
            return self.case.title
        return POLICE_ONLY_TITLE if self.visible else ""

    @property
    def description(self) -> str | None:
        return self.case.description if self.details else None

    @property
    def lon(self) -> float | None:
        """The pinned point is a detail: a clue's exact place is the police's to know."""
        return self.case.lon if self.details else None

    @property
    def lat(self) -> float | None:
        return self.case.lat if self.details else None

    @property
    def address_code(self) -> str | None:
        return self.case.address.code if self.details and self.case.address else None

    def comment(self, text: str) -> str:
        """A timeline comment or a stated reason: what was said is a detail."""
        return text if self.details else ""

    def actor(self, action: str, name: str) -> str:
        """Who took a timeline step. Who reported the case is a detail (an informant, like
        "Reported by"); those who acted on it afterwards are not."""
        return "" if action == "report" and not self.details else name


def present_case(case: Case, viewer: Any, *, visible: bool = True) -> CaseView:
    return CaseView(case, visible and sees_details(case, viewer), visible)


def status_fields(case: Case) -> dict[str, Any]:
    """What anyone who may see the case at all is told: where it stands, never what was said."""
    return {
        "number": case.number,
        "state": case.state,
        "subtype": case.subtype.code,
        "grid_code": case.grid_code,
        "beat_code": case.beat_code,
        "urgency": case.urgency,
    }
