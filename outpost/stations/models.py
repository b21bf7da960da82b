"""平安前哨 as a working level: a station's staff (who works there, in which post), its opening
hours, its duty rota and its service window log (服务窗口登记).

Every row hangs off the community's `OutpostStation`, so one scope rule (the station's
community) decides who sees it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outpost.cases.models import Case
from outpost.core.masking import mask_phone
from outpost.core.protected import ProtectedNumber
from outpost.core.scoping import Scope
from outpost.geo import visibility
from outpost.geo.models import OutpostStation


def _station_q(scope: Scope) -> models.Q:
    return visibility.division_q(scope, path="station__community__")


class Post(models.TextChoices):
    COMMUNITY_OFFICER = "community_officer", _("Community police officer")
    AUXILIARY = "auxiliary", _("Auxiliary police")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    OTHER = "other", pgettext_lazy("station post", "Other")


class StationStaff(models.Model):
    """A person who works at the station, in one post."""

    station = models.ForeignKey(
        OutpostStation,
        verbose_name=_("outpost station"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="station_posts",
    )
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("station staff member")
        verbose_name_plural = _("station staff")
        ordering = ["station", "post", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["station", "user"], name="stations_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_post_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return _station_q(scope)


class OpeningSpan(models.Model):
    """One span of opening hours on a weekday (0 Monday … 6 Sunday); a day may have several."""

    station = models.ForeignKey(
        OutpostStation,
        verbose_name=_("outpost station"),
        on_delete=models.CASCADE,
        related_name="opening_spans",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["station", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return _station_q(scope)


class Shift(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    NIGHT = "night", _("Night")


class DutyShift(models.Model):
    """Who of the station's staff is on duty on a date and shift (值班表)."""

    station = models.ForeignKey(
        OutpostStation,
        verbose_name=_("outpost station"),
        on_delete=models.CASCADE,
        related_name="duties",
    )
    day = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=12, choices=Shift.choices)
    staff = models.ForeignKey(
        StationStaff, verbose_name=_("on duty"), on_delete=models.CASCADE, related_name="duties"
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty rota")
        ordering = ["day", "shift", "staff__user__username"]
        constraints = [
            models.UniqueConstraint(fields=["day", "shift", "staff"], name="stations_duty_once")
        ]
        indexes = [models.Index(fields=["station", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.shift} {self.staff_id}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return _station_q(scope)


class VisitKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    REQUEST = "request", _("Request to handle on someone's behalf")
    DISPUTE = "dispute", _("Dispute taken in")
    OTHER = "other", pgettext_lazy("window visit", "Other")


class Handling(models.TextChoices):
    ANSWERED = "answered", _("Answered on the spot")
    REFERRED = "referred", _("Referred")
    CASE = "case", _("Case opened")


class WindowEntry(models.Model):
    """One visit to the station's service window (服务窗口登记): who came, for what, how it was
    handled and by whom. The visitor's phone is stored like every personal number: encrypted,
    shown masked."""

    station = models.ForeignKey(
        OutpostStation,
        verbose_name=_("outpost station"),
        on_delete=models.PROTECT,
        related_name="window_entries",
    )
    at = models.DateTimeField(_("time"), db_index=True)
    visitor_name = models.CharField(_("visitor"), max_length=32)
    visitor_phone_masked = models.CharField(_("visitor phone"), max_length=16, blank=True)
    visitor_phone_enc = models.TextField(_("visitor phone (encrypted)"), blank=True)
    visitor_phone = ProtectedNumber(purpose="phone", mask=mask_phone, hashed=False)
    kind = models.CharField(_("matter"), max_length=16, choices=VisitKind.choices)
    matter = models.CharField(_("what about"), max_length=200)
    handling = models.CharField(_("handled"), max_length=12, choices=Handling.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("window log entry")
        verbose_name_plural = _("window log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["station", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.visitor_name}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return _station_q(scope)
