"""Base pieces every app shares: timestamps and the generic change record."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    export. Append-only; each row carries the hash of the one before, so a changed, removed or
    inserted row breaks the chain."""

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
    prev_hash = models.CharField(_("previous row hash"), max_length=64)
    row_hash = models.CharField(_("row hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_type}:{self.object_key}"


class AccessLogHead(models.Model):
    """The hash of the newest access-log row, locked while a row is appended so two writers
    cannot both chain onto the same predecessor."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

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
