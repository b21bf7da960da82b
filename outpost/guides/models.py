"""一网通办 service guides: the catalogue of matters (办事指南), their search terms (character
bigrams, see `search`), and residents' requests for help with a matter in one of four modes
(送办、代办、帮办、包办), handled by the grid, the outpost or the beat's officer.

A request is seen by whoever reads the registry where it lies (its grid or its beat): one scope
rule, `ServiceRequest.scope_q`. Matters are public and carry no scope.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.masking import mask_phone
from outpost.core.protected import ProtectedNumber
from outpost.core.scoping import Scope, prefix_q
from outpost.geo.models import Grid
from outpost.registry.validators import normalize_phone


class Matter(models.Model):
    """One matter a resident may have to do (办事指南)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    summary = models.TextField(_("what it is"))
    eligibility = models.TextField(_("who may apply"))
    documents = models.TextField(_("documents"), help_text=_("one per line"))
    place = models.TextField(_("where"))
    fees = models.CharField(_("fees"), max_length=200)
    time_limit = models.CharField(_("time limit"), max_length=100)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit in working days"), default=0, help_text=_("0 when done on the spot")
    )
    department = models.CharField(_("responsible department"), max_length=100)
    police = models.BooleanField(_("police matter"), default=False)
    keywords = models.CharField(_("other names"), max_length=200, blank=True)
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class MatterTerm(models.Model):
    """One search term (a character bigram, or a Latin/digit word) of a matter, with the weight
    of the strongest field it appears in (title above other names above the text)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=20)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "term"], name="guides_term_once")]
        indexes = [models.Index(fields=["term"])]

    def __str__(self) -> str:
        return f"{self.term} ×{self.weight}"


class Mode(models.TextChoices):
    DELIVER = "deliver", _("Delivered to the door (送办)")
    ON_BEHALF = "on_behalf", _("Done on their behalf (代办)")
    ASSIST = "assist", _("Helped through it (帮办)")
    END_TO_END = "end_to_end", _("Handled end to end (包办)")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.ACCEPTED, RequestState.IN_PROGRESS)


class HandledBy(models.TextChoices):
    GRID = "grid", _("Grid worker")
    POLICE = "police", _("Community police officer")
    OUTPOST = "outpost", _("Outpost station")


class ServiceRequest(models.Model):
    """A resident's request for help with one matter, in one mode."""

    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    matter = models.ForeignKey(
        Matter, verbose_name=_("service matter"), on_delete=models.PROTECT, related_name="requests"
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    resident_name = models.CharField(_("resident"), max_length=32)
    phone_masked = models.CharField(_("contact phone"), max_length=16)
    phone_enc = models.TextField(_("contact phone (encrypted)"))
    phone_hash = models.CharField(max_length=64, db_index=True)
    phone = ProtectedNumber(purpose="phone", mask=mask_phone, normalize=normalize_phone)
    address = models.CharField(_("address"), max_length=200)
    note = models.CharField(_("what is needed"), max_length=500, blank=True)
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(max_length=15, db_index=True)
    beat_code = models.CharField(max_length=15, blank=True, db_index=True)
    handled_by = models.CharField(_("handling unit"), max_length=8, choices=HandledBy.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    due_at = models.DateTimeField(_("deadline"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["assignee", "state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.matter_id}"

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return prefix_q("grid_code", scope.civil) | prefix_q("beat_code", scope.police)
