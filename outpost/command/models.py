"""The command room (警网联动指挥室) as people work it: members, the duty roster (轮岗值班) with
handover notes, and the eight kinds of reporters (8大员) who feed it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.scoping import Scope
from outpost.geo.models import CommandRoom


class MemberKind(models.TextChoices):
    POLICE_DUTY = "police_duty", _("Police duty officer")
    STREET_STAFF = "street_staff", _("Street staff")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")


class RoomMember(models.Model):
    """Someone who takes shifts in a command room."""

    room = models.ForeignKey(CommandRoom, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MemberKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("room member")
        verbose_name_plural = _("room members")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="command_member_once")]
        ordering = ["kind", "user__username"]

    def __str__(self) -> str:
        return f"{self.room_id}:{self.user_id}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return models.Q(room__in=CommandRoom.objects.filter(CommandRoom.scope_q(scope)))


class DutyShift(models.Model):
    """One member on duty in a room from `starts_at` to `ends_at` (值班), with the note they
    leave for the next shift (交班记录)."""

    room = models.ForeignKey(CommandRoom, on_delete=models.CASCADE, related_name="shifts")
    member = models.ForeignKey(RoomMember, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    handover_note = models.TextField(_("handover note"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="command_shift_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return models.Q(room__in=CommandRoom.objects.filter(CommandRoom.scope_q(scope)))


class ReporterKind(models.TextChoices):
    SECURITY_GUARD = "security_guard", _("Security guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    PROPERTY_STAFF = "property_staff", _("Property management staff")
    COURIER = "courier", _("Courier")
    DELIVERY_RIDER = "delivery_rider", _("Food delivery rider")
    INFORMANT = "informant", _("Information officer")
    LIAISON = "liaison", _("Liaison")
    MEDIATOR = "mediator", _("Mediator")


class ReporterProfile(models.Model):
    """What kind of reporter (8大员) an account with the reporter role is, and for whom."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter_profile"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReporterKind.choices)
    employer = models.CharField(_("employer"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("reporter profile")
        verbose_name_plural = _("reporter profiles")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
