"""警网双考: assessment schemes (indicators with weights and targets per unit kind), the periods
computed from them (a snapshot of every unit's figures and score, locked once approved), and
appeals against one figure. The indicators themselves stay code (`catalogue`), named here by
their `code`. `docs/assessment.md` states the rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outpost.core.models import StoredFile
from outpost.core.scoping import NOTHING, Scope, prefix_q

CIVIL_KINDS = ("grid", "community", "street")
POLICE_KINDS = ("beat", "station")
UNIT_KINDS = [
    ("grid", _("Grid")),
    ("community", _("Community")),
    ("street", _("Street")),
    ("beat", _("Police beat")),
    ("station", _("Police station")),
]


def _ancestors(prefixes: tuple[str, ...]) -> list[str]:
    """Every leading part of each prefix: a scheme over one of them contains that prefix."""
    return sorted({p[:n] for p in prefixes for n in range(1, len(p) + 1)})


def area_overlap_q(scope: Scope, civil: str, police: str) -> Q:
    """Rows of an area (`civil`/`police` prefix fields) that overlap the scope's area: the area
    lies in the scope, or the scope lies in the area."""
    if scope.everything:
        return Q()
    if scope.empty:
        return NOTHING
    return (
        prefix_q(civil, scope.civil)
        | prefix_q(police, scope.police)
        | Q(**{f"{civil}__in": _ancestors(scope.civil)})
        | Q(**{f"{police}__in": _ancestors(scope.police)})
    )


def unit_in_area_q(scope: Scope, kind: str, head: str) -> Q:
    """Rows of units lying wholly in the scope's area (civil units under its civil prefixes,
    police units under its police prefixes), as `queries` decides for indicator figures."""
    if scope.everything:
        return Q()
    civil = Q(**{f"{kind}__in": CIVIL_KINDS}) & prefix_q(head, scope.civil)
    police = Q(**{f"{kind}__in": POLICE_KINDS}) & prefix_q(head, scope.police)
    return civil | police


class Scheme(models.Model):
    """考核方案: the indicators a street (or district) and its police assess their grids and
    beats on, each with a weight and a target per unit kind."""

    name = models.CharField(_("name"), max_length=200)
    area_name = models.CharField(_("area"), max_length=64)  # the title of its exports
    civil_prefix = models.CharField(_("civil prefix"), max_length=12)
    police_prefix = models.CharField(_("police prefix"), max_length=12)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["civil_prefix", "pk"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return area_overlap_q(scope, "civil_prefix", "police_prefix")


class SchemeItem(models.Model):
    """One indicator of a scheme for one kind of unit. `joint`: a beat's figure is pooled from
    the figures of the grids it covers, through the overlay (the grids' own figures, the same
    records)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=UNIT_KINDS)
    indicator = models.CharField(_("indicator"), max_length=32)
    weight = models.FloatField(_("weight"))
    target = models.FloatField(_("target"))  # a share 0..1, or hours
    joint = models.BooleanField(_("joint (grid and beat)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "unit_kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit_kind", "indicator"], name="assessment_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind}:{self.indicator}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return area_overlap_q(scope, "scheme__civil_prefix", "scheme__police_prefix")


class PeriodState(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    APPROVED = "approved", _("Approved (locked)")


class Period(models.Model):
    """考核周期: a month, quarter or year of one scheme, computed into `Result` rows; approval
    locks it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="periods")
    key = models.CharField(_("period"), max_length=8)  # 2026-11, 2026-Q4, 2026
    start = models.DateField(_("first day"))
    end = models.DateField(_("day after the last"))
    state = models.CharField(_("state"), max_length=16, choices=PeriodState.choices)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-start", "scheme"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="assessment_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.key}"

    @property
    def locked(self) -> bool:
        return self.state == PeriodState.APPROVED

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return area_overlap_q(scope, "scheme__civil_prefix", "scheme__police_prefix")


class Result(models.Model):
    """One unit's assessment in a period: its total score and rank among its kind."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="results")
    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=UNIT_KINDS)
    unit_code = models.CharField(_("unit"), max_length=15)
    unit_name = models.CharField(_("name"), max_length=64)
    head = models.CharField(max_length=15)  # the code's prefix that places the unit
    total = models.FloatField(_("score"), null=True)  # 0..100; None without any figure
    rank = models.PositiveIntegerField(_("rank"), null=True)
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True)

    class Meta:
        ordering = ["period", "unit_kind", "rank", "unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit_kind", "unit_code"], name="assessment_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind}:{self.unit_code}"

    @property
    def change(self) -> int | None:
        """Places gained since the previous period (negative: lost); None when new."""
        if self.previous_rank is None or self.rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def change_shown(self) -> str:
        """↑3, ↓1, — (no change or unranked) or 新 (not ranked the period before)."""
        change = self.change
        if change is None:
            return str(_("new")) if self.rank is not None else "—"
        return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_in_area_q(scope, "unit_kind", "head")


class Score(models.Model):
    """One figure of a unit in a period, with the weight and target it was scored against
    (copied from the scheme, so a later change of the scheme leaves the period as it was).
    `value` changes after computation only through an upheld appeal (`corrected`)."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="scores")
    indicator = models.CharField(_("indicator"), max_length=32)
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.FloatField(_("weight"))
    target = models.FloatField(_("target"))
    higher_is_better = models.BooleanField(default=True)
    rate = models.BooleanField(default=True)
    joint = models.BooleanField(default=False)
    numerator = models.FloatField(_("numerator"), default=0)
    denominator = models.FloatField(_("denominator"), default=0)
    computed_value = models.FloatField(_("computed value"), null=True)
    value = models.FloatField(_("value"), null=True)
    corrected = models.BooleanField(_("corrected on appeal"), default=False)
    points = models.FloatField(_("points"), null=True)  # weight × achievement

    class Meta:
        ordering = ["result", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["result", "indicator"], name="assessment_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.result}:{self.indicator}"

    @property
    def shown(self) -> str:
        return _shown(self.value, self.rate)

    @property
    def computed_shown(self) -> str:
        return _shown(self.computed_value, self.rate)

    @property
    def target_shown(self) -> str:
        return f"{100 * self.target:g}%" if self.rate else f"{self.target:g} h"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_in_area_q(scope, "result__unit_kind", "result__head")


def _shown(value: float | None, rate: bool) -> str:
    """83.2% for a rate, 12.5 h for a duration, — without rows."""
    if value is None:
        return "—"
    return f"{100 * value:.1f}%" if rate else f"{value:.1f} h"


class AppealState(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Not upheld")


class Appeal(models.Model):
    """申诉: an assessed unit disputes one figure with evidence; an approver decides."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    evidence = models.TextField(_("appeal evidence"), max_length=4000)
    state = models.CharField(
        _("state"), max_length=16, choices=AppealState.choices, default=AppealState.PENDING
    )
    corrected_value = models.FloatField(_("corrected value"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"appeal {self.pk}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_in_area_q(scope, "score__result__unit_kind", "score__result__head")


class AppealFile(StoredFile):
    """A photo or PDF with an appeal's evidence: checked by content, without EXIF, kept by
    SHA-256 (`core.files`)."""

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="file")
    file = models.FileField(_("file"), upload_to="assessment/", max_length=200)

    class Meta:
        verbose_name = _("appeal file")
        verbose_name_plural = _("appeal files")

    def __str__(self) -> str:
        return self.name
