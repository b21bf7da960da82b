"""What the OGC API shows, and to whom (docs/ogc.md).

Areas (grids, beats, streets and communities) are public geography: their codes, names and
outlines are what the residents' portal already tells anyone for any point (警网联系卡), and no
person is attached to them here. Case points are scoped through `restrict` like every other
read of cases: anyone sees the cases Open311 publishes (a public sub-type, not police-only); a
signed-in user or a bearer token's holder sees, in addition, the cases in their own scope. For
everyone the points leave out restricted categories (关怀帮扶) and police-only cases, and no
feature carries anything personal (`features.case_feature`)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from outpost.accounts.models import User
from outpost.accounts.scope import restrict
from outpost.cases.models import Case, Sensitivity
from outpost.cases.taxonomy import public_subtypes
from outpost.geo.models import Division, DivisionLevel, Grid, PoliceBeat

AREA_LEVELS = (DivisionLevel.STREET, DivisionLevel.COMMUNITY)


def grids() -> QuerySet[Grid]:
    return Grid.objects.select_related("community", "main_beat")


def beats() -> QuerySet[PoliceBeat]:
    return PoliceBeat.objects.select_related("station")


def divisions() -> QuerySet[Division]:
    return Division.objects.filter(level__in=AREA_LEVELS).select_related("parent")


def case_points(user: User | AnonymousUser | None) -> QuerySet[Case]:
    """The cases whose point may be published to `user`: Open311's public ones, plus the
    user's own scope (`view_cases`), never a restricted category or a police-only case."""
    shown = Q(subtype__in=public_subtypes().values("pk"))
    if user is not None and user.is_authenticated:
        shown |= Q(pk__in=restrict(Case.objects.all(), user, "view_cases").values("pk"))
    return (
        Case.objects.filter(shown, lon__isnull=False, lat__isnull=False)
        .exclude(sensitivity=Sensitivity.POLICE_ONLY)
        .exclude(subtype__category__restricted=True)
        .select_related("subtype__category")
    )
