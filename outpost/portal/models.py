"""The residents' portal: one-time codes for a phone, the tickets residents follow cases by,
and what staff make public of their contact (警网联系卡)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.cases.models import Case
from outpost.core.masking import mask_phone
from outpost.core.protected import ProtectedNumber
from outpost.registry.validators import normalize_phone


class PhoneCode(models.Model):
    """A one-time code sent to a phone: kept only as a keyed hash, valid for a few minutes and a
    few tries."""

    phone_key = models.CharField(_("phone key"), max_length=64, db_index=True)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code {self.pk}"


class TicketRole(models.TextChoices):
    REPORTER = "reporter", _("Reported it")
    FOLLOWER = "follower", _("Follows it")


class Ticket(models.Model):
    """A resident's hold on a case: the reporter's (its token is the case's tracking code, so
    they rate it) or a follower's who found it among the duplicates (reads only). Messages about
    each step go to its phone."""

    token = models.CharField(_("token"), max_length=12, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_tickets")
    role = models.CharField(_("role"), max_length=12, choices=TicketRole.choices)
    phone_enc = models.TextField(_("phone (encrypted)"))
    phone_hash = models.CharField(_("phone hash"), max_length=64, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=16)
    phone = ProtectedNumber(purpose="phone", mask=mask_phone, normalize=normalize_phone)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("portal ticket")
        verbose_name_plural = _("portal tickets")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "phone_hash"], name="portal_ticket_once")
        ]

    def __str__(self) -> str:
        return self.token


class PublicContact(models.Model):
    """What a staff member shows residents on the 警网联系卡: by default their role and outpost
    only (no name, no phone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="public_contact",
    )
    show_name = models.BooleanField(_("show my name"), default=False)
    work_phone = models.CharField(_("public work phone"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("public contact")
        verbose_name_plural = _("public contacts")

    def __str__(self) -> str:
        return str(self.user)
