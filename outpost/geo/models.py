"""Both hierarchies on one map: civil divisions and grids, police units and beats.

Codes are hierarchical strings, so "everything under street X" is a prefix filter. Polygons are
stored as GeoJSON text in WGS-84; the in-process spatial index (see `locator.py`) answers
point-in-polygon questions, so no spatial database extension is needed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.models import TimestampedModel
from outpost.core.scoping import Scope
from outpost.geo import visibility


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


# How many leading digits of a 12-digit code identify a division of each level (GB/T 2260 and
# the NBS statistical code): the rest are zeros.
DIVISION_PREFIX_LENGTH = {"province": 2, "city": 4, "district": 6, "street": 9, "community": 12}


class CodedUnit(TimestampedModel):
    """A node of either code tree: a 12-digit code whose leading digits name its subtree."""

    PREFIX_LENGTH: dict[str, int] = {}
    level: str  # a field of each concrete tree, with its own choices

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: self.PREFIX_LENGTH[self.level]]


class Division(CodedUnit):
    """An administrative division (行政区划): 省 → 市 → 区 → 街道 → 社区, by 12-digit code."""

    PREFIX_LENGTH = DIVISION_PREFIX_LENGTH

    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices)
    geometry = models.TextField(_("boundary (GeoJSON)"), blank=True)
    boundary_since = models.DateField(_("boundary valid from"), null=True, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.division_q(scope)


class BoundedArea(TimestampedModel):
    """An area with its own polygon (WGS-84 GeoJSON) and the date that polygon took effect."""

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=64)
    geometry = models.TextField(_("boundary (GeoJSON)"))
    boundary_since = models.DateField(_("boundary valid from"))
    area_m2 = models.FloatField(_("area (m²)"), default=0)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grid(BoundedArea):
    """A community grid (网格): 15-digit code = 12-digit community code + 3-digit sequence."""

    community = models.ForeignKey(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    grid_type = models.CharField(_("grid type"), max_length=32, blank=True)
    main_beat = models.ForeignKey(
        "PoliceBeat",
        verbose_name=_("main police beat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_grids",
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.grid_q(scope)


class PoliceLevel(models.TextChoices):
    BUREAU = "bureau", _("Municipal bureau")
    SUB_BUREAU = "sub_bureau", _("Sub-bureau")
    STATION = "station", _("Police station")


# Police codes look like division codes with 5 as the 7th digit; the prefix that identifies a
# unit's subtree (a beat's code begins with its station code's first 9 digits).
POLICE_PREFIX_LENGTH = {"bureau": 4, "sub_bureau": 7, "station": 9}


class PoliceUnit(CodedUnit):
    """A police unit: 市局 → 分局 → 派出所."""

    PREFIX_LENGTH = POLICE_PREFIX_LENGTH

    level = models.CharField(_("level"), max_length=16, choices=PoliceLevel.choices)
    street = models.ForeignKey(
        Division,
        verbose_name=_("street covered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="police_stations",
    )

    class Meta:
        verbose_name = _("police unit")
        verbose_name_plural = _("police units")
        ordering = ["code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.police_unit_q(scope)


class PoliceBeat(BoundedArea):
    """A police beat (警务区) of a station, drawn independently of the grids it overlaps."""

    station = models.ForeignKey(
        PoliceUnit, verbose_name=_("police station"), on_delete=models.PROTECT, related_name="beats"
    )

    class Meta:
        verbose_name = _("police beat")
        verbose_name_plural = _("police beats")
        ordering = ["code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.beat_q(scope)


class OutpostStation(TimestampedModel):
    """The 平安前哨 of a community: its 警务室 and 网格服务中心 under one roof."""

    community = models.OneToOneField(
        Division, verbose_name=_("community"), on_delete=models.PROTECT, related_name="outpost"
    )
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("outpost station")
        verbose_name_plural = _("outpost stations")
        ordering = ["community__code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.division_q(scope, path="community__")

    def __str__(self) -> str:
        return self.name


class CommandRoom(TimestampedModel):
    """The 警网联动指挥室 of a police station and the street it covers."""

    station = models.OneToOneField(
        PoliceUnit,
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="command_room",
    )
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("command room")
        verbose_name_plural = _("command rooms")
        ordering = ["station__code"]

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.police_unit_q(scope, path="station__")

    def __str__(self) -> str:
        return self.name


class BoundaryKind(models.TextChoices):
    DIVISION = "division", _("Division")
    GRID = "grid", _("Grid")
    BEAT = "beat", _("Police beat")


class BoundaryVersion(models.Model):
    """A superseded boundary, kept with the dates it was in force (边界历史)."""

    kind = models.CharField(_("kind"), max_length=16, choices=BoundaryKind.choices)
    code = models.CharField(_("code"), max_length=15, db_index=True)
    geometry = models.TextField(_("boundary (GeoJSON)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))

    class Meta:
        verbose_name = _("boundary version")
        verbose_name_plural = _("boundary versions")
        ordering = ["kind", "code", "valid_from"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code} {self.valid_from}–{self.valid_to}"


class GridBeatOverlap(models.Model):
    """The overlay: how much of a grid lies in a beat (网格-警务区叠加)."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="beat_overlaps"
    )
    beat = models.ForeignKey(
        PoliceBeat, verbose_name=_("beat"), on_delete=models.CASCADE, related_name="grid_overlaps"
    )
    area_m2 = models.FloatField(_("shared area (m²)"))
    grid_share = models.FloatField(_("share of the grid"))
    beat_share = models.FloatField(_("share of the beat"))

    class Meta:
        verbose_name = _("grid–beat overlap")
        verbose_name_plural = _("grid–beat overlaps")
        constraints = [
            models.UniqueConstraint(fields=["grid", "beat"], name="geo_overlap_unique_pair")
        ]
        ordering = ["grid__code", "-grid_share"]

    def __str__(self) -> str:
        return f"{self.grid_id}~{self.beat_id}"


class BoundaryState(models.Model):
    """A single row whose token changes whenever any boundary does, so every process rebuilds
    its spatial index on the next lookup. A random token, not a counter: a counter bumped in a
    rolled-back transaction could later reach the same value with other shapes."""

    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("boundary state")
        verbose_name_plural = _("boundary state")

    def __str__(self) -> str:
        return f"boundaries {self.token}"
