"""Base pieces every app shares: timestamps and the generic change record."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from outpost.core.scoping import Scope, prefix_q
from outpost.core.staff import staff_names_q

GENESIS = "0" * 64  # what the first row of the access log chains onto


class Urgency(models.TextChoices):
    """How urgent a case or an instruction is (cases.Case.urgency, instructions' priority)."""

    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ChangeRecord(models.Model):
    """One audited write (变更记录): who changed what, from which request, before and after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin = models.CharField(_("origin"), max_length=16)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_key = models.CharField(_("object key"), max_length=64, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_key}"

    @property
    def summary(self) -> dict[str, Any]:
        return {"action": self.action, "object": f"{self.object_type}:{self.object_key}"}


class AccessLogEntry(models.Model):
    """One read of personal data (访问日志): a person's detail viewed, a number unmasked, an
    export, an emergency opening; and every sign-in, sign-out and failed sign-in. Append-only;
    each row carries the hash of the one before, so a changed, removed or inserted row breaks
    the chain (`outpost audit verify`)."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=32, db_index=True)
    object_type = models.CharField(_("object type"), max_length=32)
    object_key = models.CharField(_("object key"), max_length=64, db_index=True)
    purpose = models.CharField(_("stated purpose"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # Where the record read lies (a person's grid and beat), so the area's auditors see it.
    civil_code = models.CharField(_("civil area code"), max_length=15, blank=True)
    police_code = models.CharField(_("police area code"), max_length=12, blank=True)
    prev_hash = models.CharField(_("previous row hash"), max_length=64)
    row_hash = models.CharField(_("row hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_type}:{self.object_key}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """An auditor over the whole district sees every row (failed sign-ins under unknown
        names and the system's own rows included). One over a smaller area sees the reads of
        records in it and everything done by, or tried under the name of, staff assigned in it."""
        district = settings.OUTPOST_DISTRICT_CODE[:6]
        if any(district.startswith(p) for p in scope.civil + scope.police):
            return models.Q()
        return (
            prefix_q("civil_code", scope.civil)
            | prefix_q("police_code", scope.police)
            | staff_names_q("actor_name", scope)
        )


class AccessLogHead(models.Model):
    """The hash of the newest access-log row, locked while a row is appended so two writers
    cannot both chain onto the same predecessor."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    # After `outpost audit prune`: the last removed row, which the oldest kept row chains onto.
    anchor_id = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("access log head")
        verbose_name_plural = _("access log head")

    def __str__(self) -> str:
        return self.last_hash


class RateBucket(models.Model):
    """Hits of one key (an address, an account) in one time window, shared by every process so
    a limit holds behind several workers (限流)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate bucket")
        verbose_name_plural = _("rate buckets")
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratebucket_once")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.hits}"


class StoredFile(models.Model):
    """A checked upload kept by the SHA-256 of its bytes (case attachments, feedback photos):
    what it is called, what it is and how big. Subclasses add the file field and what it
    belongs to."""

    name = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file: FieldFile  # each subclass's FileField, with its own upload path

    class Meta:
        abstract = True

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
