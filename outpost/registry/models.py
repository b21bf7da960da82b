"""一标三实: standard addresses (一标) and the people, houses and organisations on them (三实).

Every record carries the grid and beat codes of its address, so scoping is a prefix filter, and a
verification state for 前端采、民警核: grid workers collect, the beat's officer verifies.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import Text
from outpost.core.masking import mask_id_number, mask_phone
from outpost.core.models import TimestampedModel
from outpost.core.protected import ProtectedNumber
from outpost.core.scoping import Scope, prefix_q
from outpost.registry.validators import normalize_phone, parse_id_number


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


class RegistryRecord(TimestampedModel):
    """What every registry record shares: its place in both hierarchies and its state."""

    grid_code = models.CharField(_("grid code"), max_length=15, blank=True, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.VERIFIED,
        db_index=True,
    )
    flags = models.JSONField(_("back-end check flags"), default=list, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(_("reason returned"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)


class AddressLevel(models.TextChoices):
    DOOR = "door", _("Door plate")  # 门牌
    BUILDING = "building", _("Building")  # 楼栋
    ROOM = "room", _("Room")  # 户室


class StandardAddress(RegistryRecord):
    """A standard address (标准地址): door plate → building → room, each with its point."""

    code = models.CharField(_("address code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=AddressLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    community_code = models.CharField(_("community code"), max_length=12, db_index=True)
    road = models.CharField(_("road"), max_length=64)
    door_no = models.CharField(_("door number"), max_length=32)
    compound = models.CharField(_("compound"), max_length=64, blank=True)
    building = models.CharField(_("building"), max_length=32, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    floor = models.CharField(_("floor"), max_length=8, blank=True)
    room = models.CharField(_("room"), max_length=16, blank=True)
    full_text = models.CharField(_("full address"), max_length=200)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))

    class Meta:
        verbose_name = _("standard address")
        verbose_name_plural = _("standard addresses")
        ordering = ["code"]
        # The address matchers' freshness check reads the latest change on every match.
        indexes = [models.Index(fields=["updated_at"], name="registry_address_updated")]

    def __str__(self) -> str:
        return self.full_text


class PopulationType(models.TextChoices):
    REGISTERED = "户籍人口", _("Registered resident")
    FLOATING = "流动人口", _("Floating population")


def _id_value(raw: str) -> str:
    return parse_id_number(raw).value


class PersonQuerySet(models.QuerySet["Person"]):
    def by_id_number(self, raw: str) -> "PersonQuerySet":
        """The person with this ID number (FieldProblem if it is not a valid one)."""
        return self.filter(Person.id_number.q(raw))

    def by_phone(self, raw: str) -> "PersonQuerySet":
        """The people with this phone number (FieldProblem if it is not a valid one)."""
        return self.filter(Person.phone.q(raw))


class PersonStatus(models.TextChoices):
    CURRENT = "current", _("Lives here")
    MOVED_OUT = "moved_out", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class Person(RegistryRecord):
    """A person living here (实有人口). ID and phone numbers are stored encrypted, found by a
    keyed hash, and shown masked. No ethnicity or religion is recorded, by design."""

    person_no = models.CharField(_("person number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_number_enc = models.TextField(_("ID number (encrypted)"))
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    id_tail = models.CharField(_("ID number last digits"), max_length=4, db_index=True)
    gender = models.CharField(_("gender"), max_length=2)
    birth_date = models.DateField(_("birth date"))
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    # The only writers of the columns above (core/protected.py).
    id_number = ProtectedNumber(
        purpose="id_number", mask=mask_id_number, normalize=_id_value, tail=("id_tail", 4)
    )
    phone = ProtectedNumber(purpose="phone", mask=mask_phone, normalize=normalize_phone)
    pop_type = models.CharField(_("population type"), max_length=8, choices=PopulationType.choices)
    hukou_region = models.CharField(_("household registration region"), max_length=6, blank=True)
    care_tags = models.CharField(_("care tags"), max_length=100, blank=True)
    address = models.ForeignKey(
        StandardAddress,
        verbose_name=_("current address"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    # 注销: a person who moved out or died stays on record (findable with a filter) but no
    # longer counts as a current resident.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PersonStatus.choices,
        default=PersonStatus.CURRENT,
        db_default=PersonStatus.CURRENT,  # the imports' bulk inserts name their columns
        db_index=True,
    )
    left_on = models.DateField(_("date moved out or died"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason deregistered"), max_length=200, blank=True, default="", db_default=""
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["person_no"]

    def __str__(self) -> str:
        return self.name


class Residence(models.Model):
    """Who lived in which room, when (居住史). Moving out closes the row; history is kept."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="residences"
    )
    address = models.ForeignKey(
        StandardAddress,
        verbose_name=_("address"),
        on_delete=models.PROTECT,
        related_name="residences",
    )
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["-moved_in", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.address_id}"


class FloatingRegistration(models.Model):
    """Residence registration of a floating resident (居住登记) and their permit (居住证)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    registered_on = models.DateField(_("registered on"))
    permit_no = models.CharField(_("residence permit number"), max_length=32, blank=True)
    permit_expires = models.DateField(_("permit expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("residence registration")
        verbose_name_plural = _("residence registrations")
        ordering = ["-registered_on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.registered_on}"


class HouseUse(models.TextChoices):
    OWNER = "自住", _("Owner-occupied")
    RENTED = "出租", _("Rented")
    VACANT = "空置", _("Vacant")
    BUSINESS = "经营", _("Business")


class House(RegistryRecord):
    """A dwelling (实有房屋), one per room, with its use and rental filing (出租屋备案)."""

    house_no = models.CharField(_("house number"), max_length=20, unique=True)
    address = models.OneToOneField(
        StandardAddress, verbose_name=_("address"), on_delete=models.PROTECT, related_name="house"
    )
    use = models.CharField(_("use"), max_length=4, choices=HouseUse.choices)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="houses_owned",
    )
    area_m2 = models.FloatField(_("floor area (m²)"), null=True, blank=True)
    occupants = models.PositiveIntegerField(_("occupants"), default=0)
    rental_filing_no = models.CharField(_("rental filing number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["house_no"]

    def __str__(self) -> str:
        return self.house_no

    @property
    def rental_filed(self) -> bool:
        return self.use == HouseUse.RENTED and bool(self.rental_filing_no)


class Organisation(RegistryRecord):
    """An organisation (实有单位) with its unified social credit code (统一社会信用代码)."""

    unit_no = models.CharField(_("unit number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    unit_type = models.CharField(_("type"), max_length=32)
    address = models.ForeignKey(
        StandardAddress,
        verbose_name=_("address"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    legal_rep = models.CharField(_("legal representative"), max_length=50)
    contact_phone_enc = models.TextField(_("contact phone (encrypted)"), blank=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=16, blank=True)
    contact_phone = ProtectedNumber(
        purpose="phone", mask=mask_phone, normalize=normalize_phone, hashed=False
    )
    employees = models.PositiveIntegerField(_("employees"), default=0)
    is_key_unit = models.BooleanField(_("key unit"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["unit_no"]

    def __str__(self) -> str:
        return self.name


# Stored event codes of a failed import job (ImportJob.error_code); "table:<code>" names a
# registry.tabular.TABLE_ERRORS entry.
IMPORT_CRASHED = "import_crashed"
_CRASHED = _(
    "The import stopped unexpectedly (%(error)s). Tell your administrator the reference %(ref)s."
)
IMPORT_STALLED = "import_stalled"
_STALLED = _(
    "The background worker stopped during this import %(attempts)s times. Nothing from the "
    "file was saved; upload it again."
)


class RecordEdit(TimestampedModel):
    """One collector's entry on a record (added, changed, deregistered) as the officer verifies
    it: per field the value before and after (as shown, numbers masked), and what restores the
    verified values if the officer returns it. One open (pending) edit per record at a time."""

    kind = models.CharField(_("kind"), max_length=16)  # person, house, organisation
    record_id = models.PositiveBigIntegerField(_("record"))
    record_key = models.CharField(_("record number"), max_length=20)
    label = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=16)  # add, update, deregister
    grid_code = models.CharField(_("grid code"), max_length=15, blank=True, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
        db_index=True,
    )
    fields = models.JSONField(_("fields before and after"), default=list, blank=True)
    restore = models.JSONField(_("verified values"), default=dict, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(_("reason returned"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry edit")
        verbose_name_plural = _("registry edits")
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "record_id", "state"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_key} {self.action}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)


class ImportJob(TimestampedModel):
    """An uploaded file imported in the background, with its progress and per-row report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16)
    filename = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file contents"))
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    outcomes = models.JSONField(_("row outcomes"), default=list, blank=True)
    # Why the job failed, stored as a code and its JSON parameters and rendered when shown
    # (`error_text`); `error` holds the Chinese text of jobs that failed before codes existed.
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_params = models.JSONField(_("error parameters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set when a worker claims the job and at each progress report: a running job whose
    # heartbeat stopped lost its worker (jobs.recover_stalled_imports).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def error_text(self) -> str:
        """Why the job failed, in the reader's language."""
        from outpost.registry.tabular import table_error_text

        code, params = self.error_code, self.error_params
        if code == IMPORT_CRASHED:
            return str(Text(_CRASHED, **params))
        if code == IMPORT_STALLED:
            return str(Text(_STALLED, **params))
        if code.startswith("table:"):
            return str(table_error_text(code.removeprefix("table:"), params))
        return self.error

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
