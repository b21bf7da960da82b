"""Why a 110 call was diverted or kept with the police: a code and JSON parameters, stored on
the call and rendered in the reader's language when read (REASONS holds the codes).

The classifier's own words (a situation's name, a danger sign's kind, the matched cue) are
parameters: they are its Chinese keyword data, quoted as found."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import Text, render_event

REASONS = {
    "empty": _("The call is empty; left with the police"),
    "no_content": _(
        "The call does not say what happened yet; left with the police for the operator"
    ),
    "danger": _("Danger sign: %(cue)s (%(kind)s)"),
    "undecided": _("Cannot tell; left with the police"),
    "conflict": _("Situations conflict (%(names)s); left with the police"),
    "divert": _("%(subtype)s: %(situation)s"),
    "outside_area": _("The address is outside your area"),
    "no_address": _("The address matches no standard address"),
    "outside_grids": _("The address is not in any grid of the district"),
    "subtype_off": _("Case type %(subtype)s is not in use"),
    "case_refused": _("No case could be opened (%(errors)s)"),
    "kept": _("%(why)s, left with the police (%(first)s)"),
    "model": _("%(subtype)s (model, confidence %(confidence)s)"),
    "model_police": _("The model says police matter (confidence %(confidence)s)"),
    "unsure": _(
        "Cannot tell (the model suggests %(subtype)s, confidence %(confidence)s); left with "
        "the police for the operator"
    ),
    "corrected": _("Diverted by the operator to %(subtype)s"),
    "corrected_police": _("Kept with the police by the operator"),
}
CORRECTED = frozenset({"corrected", "corrected_police"})  # the codes an operator's correction sets


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render_event(REASONS, self.code, self.params)

    def as_text(self) -> Text | str:
        """The reason as a message to keep elsewhere as its code (`core.i18n.stored`)."""
        template = REASONS.get(self.code)
        if template is None:
            return self.code
        params = {k: v.as_text() if isinstance(v, Reason) else v for k, v in self.params.items()}
        return Text(template, **params)

    def kept(self, why: "Reason") -> "Reason":
        """Kept with the police for `why`, after this reason had said otherwise."""
        return Reason("kept", {"why": why, "first": self})

    def stored(self) -> dict[str, Any]:
        """The JSON parameters to store beside the code (nested reasons as {code, params})."""
        return {k: _stored(v) for k, v in self.params.items()}

    @classmethod
    def from_stored(cls, code: str, params: dict[str, Any]) -> "Reason":
        return cls(code, {k: _loaded(v) for k, v in params.items()})


def _stored(value: Any) -> Any:
    return {"code": value.code, "params": value.stored()} if isinstance(value, Reason) else value


def _loaded(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"code", "params"}:
        return Reason.from_stored(value["code"], value["params"])
    return value


def desk_reason(code: str, params: dict[str, Any]) -> "Reason | None":
    """Why the desk itself decided a call (a danger sign, the model …), from its stored reason,
    kept through every correction: the operator's reason replaces it on the call, and a call
    corrected to a sub-type and back would otherwise no longer say that a danger sign had kept
    it. None for a call stored before reasons had codes."""
    if not code:
        return None
    reason = Reason.from_stored(code, params)
    if reason.code not in CORRECTED:
        return reason
    desk = reason.params.get("desk")
    return desk if isinstance(desk, Reason) else None
