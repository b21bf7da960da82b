"""What the boundary import refuses: a key, and its message rendered in the active language."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import Text

MESSAGES: dict[str, Promise] = {
    "no_boundary_files": _("no boundary files in the folder"),
    "file_missing": _("file does not exist"),
    "unknown_file_kind": _("unknown file kind"),
    "unknown_columns": _("unrecognised columns"),
    "not_geojson": _("not a GeoJSON FeatureCollection"),
    "geometry_unreadable": _("geometry cannot be read"),
    "unknown_feature": _("feature has no recognisable properties"),
    "duplicate_code": _("duplicate code"),
    "missing_name": _("the name is empty"),
    "bad_name": _(
        "name is too long (at most 64 characters) or has angle brackets < >, control "
        "characters or line breaks"
    ),
    "bad_division_code": _("division code must be 12 digits"),
    "bad_grid_code": _("grid code must be 15 digits"),
    "bad_police_code": _("police code must be 12 digits with 5 as the 7th digit"),
    "bad_level": _("invalid level"),
    "unknown_parent": _("parent code %(parent)s does not exist"),
    "wrong_parent_level": _("parent %(parent)s is not a %(expected)s"),
    "code_outside_parent": _("code does not start with its parent %(parent)s's code"),
    "unknown_community": _("community %(parent)s does not exist"),
    "grid_code_not_in_community": _("grid code does not start with its community code %(parent)s"),
    "unknown_station": _("police station %(parent)s does not exist"),
    "beat_code_not_in_station": _(
        "beat code does not start with the first 9 digits of station %(parent)s"
    ),
    "unknown_street": _("street %(parent)s does not exist"),
    "unknown_division": _("division %(parent)s does not exist"),
    "mostly_outside_district": _("%(share)s of the boundary lies outside its district %(parent)s"),
    "overlap": _("overlaps %(other)s by %(share)s (more than the %(limit)s allowed)"),
}


@dataclass(frozen=True)
class Problem:
    source: str  # the file
    feature: str  # the code of the row or feature, or #N when it has none
    key: str
    message: Text

    @classmethod
    def of(cls, source: str, feature: str, key: str, **params: object) -> "Problem":
        shown = {k: f"{v:.1%}" if isinstance(v, float) else v for k, v in params.items()}
        return cls(source, feature, key, Text(MESSAGES[key], **shown))

    def __str__(self) -> str:
        where = f"{self.source} {self.feature}".strip()
        return str(Text(_("%(where)s: %(problem)s"), where=where, problem=self.message))

    # The message in one fixed language (the API's two-language answer, tests).
    @property
    def zh(self) -> str:
        return self.message.in_language("zh-hans")

    @property
    def en(self) -> str:
        return self.message.in_language("en")


class BoundaryImportRefused(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
