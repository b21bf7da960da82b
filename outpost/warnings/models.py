"""Early warnings (预警): one row per rule, subject and window, with its evidence as ids."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.scoping import Scope, prefix_q


class WarningState(models.TextChoices):
    OPEN = "open", _("Open")
    SIGNED = "signed", _("Signed off")
    CLOSED = "closed", _("Closed")


class Level(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class EarlyWarning(models.Model):
    """What a rule found (`rule`, a code of `rules.RULES`) about one subject in one window. It
    keeps no words about its subject: the evidence is a list of {"kind", "id"} rows read through
    the viewer's own scope and presenters when shown, and `params` are numbers only."""

    key = models.CharField(_("key"), max_length=120, unique=True)  # rule:subject:window
    rule = models.CharField(_("rule"), max_length=32, db_index=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    subject_kind = models.CharField(_("subject kind"), max_length=16)
    subject_id = models.PositiveBigIntegerField(_("subject"))
    evidence = models.JSONField(_("evidence"), default=list)
    params = models.JSONField(_("figures"), default=dict, blank=True)
    # Where it lies (what the viewers' scope reads) and its point on the map.
    grid_code = models.CharField(_("grid code"), max_length=15, blank=True, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    police_only = models.BooleanField(_("about a police-only case"), default=False)
    # The unit it is assigned to, and the code prefix that unit covers on its side (the one
    # filled), so who acts for it is a prefix test like every scope rule.
    unit_kind = models.CharField(_("unit kind"), max_length=16)
    unit_code = models.CharField(_("unit code"), max_length=15)
    civil_unit = models.CharField(max_length=15, blank=True, db_index=True)
    police_unit = models.CharField(max_length=12, blank=True, db_index=True)
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=WarningState.choices,
        default=WarningState.OPEN,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("raised at"), db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["rule", "subject_kind", "subject_id"])]

    def __str__(self) -> str:
        return self.key

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """The place rule of cases and the registry: its grid or its beat."""
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)

    @classmethod
    def unit_q(cls, scope: Scope) -> models.Q:
        """The warnings whose unit lies wholly in a scope (who may act on them)."""
        if scope.everything:
            return models.Q()
        return prefix_q("civil_unit", scope.civil) | prefix_q("police_unit", scope.police)
