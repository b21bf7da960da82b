"""Cases (事件) and what hangs on them: the taxonomy, assignments, the timeline and cards."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.accounts.units import units_q
from outpost.cases.workflow import State
from outpost.core.masking import mask_phone
from outpost.core.models import StoredFile, Urgency
from outpost.core.protected import ProtectedNumber
from outpost.core.scoping import Scope, prefix_q


class Category(models.Model):
    """A first-level case category (01 矛盾纠纷 …)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=32)
    restricted = models.BooleanField(_("restricted to designated roles"), default=False)
    # What residents may report themselves (the portal, Open311): problems in their street, not
    # police leads, registry changes, care records, emergencies (they call 110/119) or 110's own.
    public = models.BooleanField(_("residents may report"), default=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    POLICE_ONLY = "police", _("Police only")


# Least to most sensitive: a case keeps the stricter of its sub-type's level and the reporter's.
SENSITIVITY_ORDER = (Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.POLICE_ONLY)


class SubType(models.Model):
    """A case sub-type with its routing and time limits (事件小类)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=32)
    # The least sensitivity of its cases (涉警 clues are police-only whatever the form says).
    sensitivity = models.CharField(
        _("least sensitivity"), max_length=8, choices=Sensitivity.choices, default="public"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="subtypes"
    )
    default_owner = models.CharField(_("default owner"), max_length=32)
    notify_beat = models.BooleanField(_("also to the beat's officer"), default=False)
    needs_verification = models.BooleanField(_("needs an officer's verification"), default=False)
    sign_on_hours = models.PositiveSmallIntegerField(_("sign-on limit (hours)"))
    handle_limit = models.CharField(_("handling limit"), max_length=8)
    closing_requires = models.CharField(_("closing requires"), max_length=32, blank=True)
    # 回访: a completed case closes after the resident's rating, or after this many calls that
    # did not reach them; without it, at once.
    followup_required = models.BooleanField(_("follow-up (回访) required"), default=True)
    followup_attempts = models.PositiveSmallIntegerField(_("unanswered follow-up calls"), default=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sub-type")
        verbose_name_plural = _("sub-types")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Source(models.TextChoices):
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    REPORTER = "reporter", _("Reporter")
    RESIDENT = "resident", _("Resident")
    DIVERSION_110 = "110", _("110 diversion")
    HOTLINE_12345 = "12345", _("12345 hotline")
    HIGHER_LEVEL = "higher_level", _("Higher level")


class Case(models.Model):
    """One matter in the closed loop (采集 → 核查 → 上报 → 办理 → 反馈)."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    subtype = models.ForeignKey(
        SubType, verbose_name=_("sub-type"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    source_crs = models.CharField(_("coordinates given in"), max_length=8, default="wgs84")
    address = models.ForeignKey(
        "registry.StandardAddress",
        verbose_name=_("address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    grid_code = models.CharField(_("grid code"), max_length=15, blank=True, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_phone_masked = models.CharField(_("reporter phone"), max_length=16, blank=True)
    reporter_phone_enc = models.TextField(_("reporter phone (encrypted)"), blank=True)
    reporter_phone = ProtectedNumber(purpose="phone", mask=mask_phone, hashed=False)
    parties = models.ManyToManyField(
        "registry.Person", verbose_name=_("parties"), blank=True, related_name="cases"
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=8, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=[(s.value, s.value) for s in State],
        default=State.REPORTED,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.SET_NULL
    )
    sign_on_started = models.DateTimeField(_("sign-on clock started"), null=True, blank=True)
    sign_on_due = models.DateTimeField(_("sign on by"), null=True, blank=True)
    handle_started = models.DateTimeField(_("handling clock started"), null=True, blank=True)
    handle_due = models.DateTimeField(_("complete by"), null=True, blank=True)
    paused_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    extension_requested = models.BooleanField(_("extension requested"), default=False)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    rating = models.CharField(_("rating"), max_length=24, blank=True)
    followups_failed = models.PositiveSmallIntegerField(_("unanswered follow-up calls"), default=0)
    last_followup_at = models.DateTimeField(_("last follow-up call"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["state", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def scope_q(cls, scope: Scope, *more: models.QuerySet[Any]) -> models.Q:
        """Cases in the caller's area, and cases dispatched to a unit in it or to their
        department (a case sent across a boundary is seen by the unit that handles it); and the
        ids of `more` (querysets of ids) with them.

        The same rows either way, in two shapes for the planner. A narrow scope (`is_narrow`)
        holds a few hundred of millions of cases: its ids are read from each part's index and
        joined, since an OR of a code prefix and a subquery can only be checked row by row along
        the newest-first order (at 2M cases, ~190,000 rows for a grid's first page). A wide one
        (a street, a district) is dense enough that walking that order finds a page at once,
        while collecting all its ids first would not."""
        area = prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)
        # The units the scope acts for, in the one rule (`accounts.units`), so a case one may
        # act on as its unit is one they see: a department's cases, and a community's for the
        # officers of a beat that is main beat of one of its grids (its 警务室).
        units = prefix_q("unit_code", (*scope.civil, *scope.police)) | units_q(scope)
        dispatched = CaseAssignment.objects.filter(units, active=True).values("case_id")
        if is_narrow(scope):
            ids = cls.objects.filter(area).order_by().values("pk")
            parts = [dispatched.order_by(), *(m.order_by() for m in more)]
            return models.Q(pk__in=ids.union(*parts, all=True))
        where = area | models.Q(pk__in=dispatched)
        for extra in more:
            where |= models.Q(pk__in=extra)
        return where


# A scope whose every code is a community's (12 digits) or below it: a grid worker, a community,
# a beat. Streets (9), districts (6) and departments are wide.
NARROW_CODE = 12


def is_narrow(scope: Scope) -> bool:
    codes = (*scope.civil, *scope.police)
    return bool(codes) and not scope.departments and all(len(c) >= NARROW_CODE for c in codes)


class CaseAssignment(models.Model):
    """A unit a case is dispatched to: a grid, a beat, a community, a department or a command
    room; several for joint handling (联办) with one lead."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit_kind = models.CharField(_("unit kind"), max_length=16)
    unit_code = models.CharField(_("unit code"), max_length=16, db_index=True)
    unit_name = models.CharField(_("unit name"), max_length=64)
    lead = models.BooleanField(_("lead"), default=True)
    active = models.BooleanField(_("active"), default=True)
    assigned_at = models.DateTimeField(_("assigned at"))
    signed_on_at = models.DateTimeField(_("signed on at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-lead", "assigned_at"]

    def __str__(self) -> str:
        return f"{self.case_id}→{self.unit_code}"


class TimelineEntry(models.Model):
    """Every action on a case (流转记录): who, when, from and to, what was said, the deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24)
    to_state = models.CharField(_("to"), max_length=24)
    comment = models.TextField(_("comment"), blank=True)
    # What the step recorded as codes (a 回访 call's outcome and number), worded when read.
    details = models.JSONField(_("details"), default=dict, blank=True)
    deadline = models.DateTimeField(_("deadline in force"), null=True, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Card(models.Model):
    """A supervision card (督办): yellow at 80% of a deadline, red when it passes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cards")
    color = models.CharField(_("colour"), max_length=8)
    clock = models.CharField(_("clock"), max_length=16)
    deadline = models.DateTimeField(_("deadline"))
    issued_at = models.DateTimeField(_("issued at"))
    escalated = models.BooleanField(_("escalated"), default=False)

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "color", "clock", "deadline"], name="cases_card_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.color}"


class AttachmentPurpose(models.TextChoices):
    REPORT = "report", _("Photo from the scene")
    EVIDENCE = "evidence", _("Evidence of handling")
    RECHECK = "recheck", _("Recheck photo")


class Attachment(StoredFile):
    """A photo or PDF on a case (现场照片/附件): checked by content, stored without location
    metadata, named by its SHA-256 so the same file is kept once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=AttachmentPurpose.choices, default="report"
    )
    file = models.FileField(_("file"), upload_to="cases/", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name}"


class WebhookSubscription(models.Model):
    """An external system's subscription to case events (事件推送). It hears only about cases its
    owner may see, and every delivery is signed with its own secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.CharField(_("events"), max_length=300, blank=True)
    secret_enc = models.TextField(_("secret (encrypted)"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, action: str) -> bool:
        return not self.events or action in self.events.split(",")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event in the outbox (发件箱), written in the same transaction as the change it reports
    and sent afterwards, again and again with growing pauses until the receiver says 2xx."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default="pending"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"
