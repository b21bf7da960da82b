"""Field work: patrol plans per grid, patrols walked on the phone, their check-ins and photos;
visits (走访) to the registry's care subjects, rental houses and key organisations; inspections
(检查) by versioned checklists, joint across departments, whose failed items open hazard cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department
from outpost.cases.models import Case
from outpost.core.models import StoredFile, TimestampedModel
from outpost.core.scoping import Scope, prefix_q
from outpost.geo import visibility
from outpost.geo.models import Grid
from outpost.registry.models import House, Organisation, Person, StandardAddress


class PatrolPlan(TimestampedModel):
    """How often a grid is walked (times per week, by any of its workers: two workers on a plan
    of 3 a week share 3 walks, they do not owe 3 each), along which standard addresses (none:
    a free walk), by whom."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrol_plans"
    )
    name = models.CharField(_("name"), max_length=64)
    per_week = models.PositiveSmallIntegerField(
        _("patrols per week"), help_text=_("How often the grid is walked, shared by its workers.")
    )
    points = models.ManyToManyField(
        StandardAddress, verbose_name=_("route points"), blank=True, related_name="+"
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned workers"), related_name="patrol_plans"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["grid__code", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.grid_q(scope, path="grid__")


class Patrol(models.Model):
    """One walk of a grid, started and ended on the phone."""

    plan = models.ForeignKey(
        PatrolPlan,
        verbose_name=_("patrol plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("patroller"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    cases = models.ManyToManyField(
        Case, verbose_name=_("cases found"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(ended_at__isnull=True),
                name="fieldwork_one_open_patrol_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.started_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return visibility.grid_q(scope, path="grid__")

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class CheckIn(models.Model):
    """A GPS point of a patrol (WGS-84 from the phone). A point outside the patrol's grid is
    kept and flagged (`inside` false), never dropped nor silently accepted."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="checkins"
    )
    at = models.DateTimeField(_("time"))
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    located_grid = models.CharField(_("grid at the point"), max_length=15, blank=True)
    inside = models.BooleanField(_("inside the grid"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["patrol", "at"])]

    def __str__(self) -> str:
        return f"{self.lon:.6f},{self.lat:.6f}"


class PatrolPhoto(StoredFile):
    """A photo taken at a check-in: checked by content, without EXIF, kept by SHA-256."""

    checkin = models.ForeignKey(
        CheckIn, verbose_name=_("check-in"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="fieldwork/", max_length=200)

    class Meta:
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class VisitKind(models.TextChoices):
    CARE = "care", _("Care subject")
    RENTAL = "rental", _("Rental house")
    KEY_UNIT = "key_unit", _("Key organisation")


class Visit(models.Model):
    """One visit (走访) to a person, a house or an organisation of the registry: who was met,
    what was found, and the case and the service request (代办) it opened, if any. It lies where
    its subject lies."""

    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey(
        House, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(_("grid code"), max_length=15, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    met = models.CharField(_("who was met"), max_length=100)
    found = models.TextField(_("what was found"), blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Service requests belong to the service guides (an app above this one): named by string.
    service_request = models.ForeignKey(
        "guides.ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["person", "visited_at"]),
            models.Index(fields=["house", "visited_at"]),
            models.Index(fields=["organisation", "visited_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.visited_at:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """The registry's place rule: the subject's grid or beat."""
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)


class Checklist(models.Model):
    """One version of an inspection checklist (data/checklists.json). `unit_types` empty: for
    every organisation (or every rented house)."""

    code = models.CharField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=64)
    subject = models.CharField(_("inspects"), max_length=16)  # "organisation" or "house"
    unit_types = models.JSONField(_("organisation types"), default=list, blank=True)
    subtype = models.CharField(_("hazard case type"), max_length=4)
    items = models.JSONField(_("items"))  # [{"code": "F1", "text": "…"}, …]

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="fieldwork_checklist_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Inspection(models.Model):
    """An inspection (检查) of an organisation or a rented house by one checklist version, maybe
    joint with other departments, each of which signs it off."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey(
        House, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(_("grid code"), max_length=15, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)  # item code → passed
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checklist} {self.started_at:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """Where the inspected place lies (the registry's rule)."""
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)


class InspectionParty(models.Model):
    """A department taking part in a joint inspection, and its sign-off."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="parties")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection party")
        verbose_name_plural = _("inspection parties")
        ordering = ["department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "department"], name="fieldwork_one_party_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.department_id}"


class Hazard(models.Model):
    """A failed checklist item: the hazard case it opened, the rectification deadline and the
    re-check (复查), which must pass before the case can close."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="hazards")
    item_code = models.CharField(_("item"), max_length=16)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    rectify_by = models.DateField(_("rectify by"))
    recheck_passed = models.BooleanField(_("re-check passed"), null=True, blank=True)
    rechecked_at = models.DateTimeField(_("re-checked at"), null=True, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recheck_note = models.CharField(_("re-check note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["rectify_by", "id"]

    def __str__(self) -> str:
        return f"{self.item_code} → {self.case_id}"


class SyncState(models.TextChoices):
    SENT = "sent", _("Sent")
    REFUSED = "refused", _("Refused")


class SyncedRecord(models.Model):
    """A record the phone queued offline and sent later, under the key the phone gave it (its
    idempotency key). A key seen again answers what it answered the first time, so a record
    sent twice (the answer lost on a bad network) is kept once. Conflicts are not kept: the
    phone asks its user, who sends again or drops the record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("record key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16)
    # A digest of the record as first sent: the key sent again with another body is refused.
    digest = models.CharField(_("digest"), max_length=64, blank=True, default="")
    state = models.CharField(_("state"), max_length=8, choices=SyncState.choices)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    ref = models.JSONField(_("what it made"), default=dict, blank=True)
    detail = models.JSONField(_("why it was refused"), default=dict, blank=True)

    class Meta:
        verbose_name = _("synced record")
        verbose_name_plural = _("synced records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="synced_record_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
