"""110 calls (110警情) as the diversion desk received them, and what it decided."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.core.masking import mask_phone
from outpost.core.protected import ProtectedNumber
from outpost.core.scoping import Scope, prefix_q


class Decision(models.TextChoices):
    DIVERT = "divert", _("Diverted")
    POLICE = "police", _("Kept with the police")


class Call(models.Model):
    """One 110 call, once per call id and importer's namespace: the decision, the standard
    address it was matched to and the case a diverted call became."""

    call_id = models.CharField(_("call id"), max_length=40, db_index=True)
    # Whose ids these are (`services.call_namespace`): the station's, a civil area's, or the
    # command line's (""). An id stored by one never answers, nor blocks, another.
    namespace = models.CharField(_("imported for"), max_length=64, blank=True, default="")
    received_at = models.DateTimeField(_("received at"), db_index=True)
    caller_phone_masked = models.CharField(_("caller phone"), max_length=16, blank=True)
    caller_phone_enc = models.TextField(_("caller phone (encrypted)"), blank=True)
    caller_phone = ProtectedNumber(purpose="phone", mask=mask_phone, hashed=False)
    location_text = models.CharField(_("location as given"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    subtype = models.CharField(_("sub-type"), max_length=4, blank=True)
    address = models.ForeignKey(
        "registry.StandardAddress",
        verbose_name=_("address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    grid_code = models.CharField(_("grid code"), max_length=15, blank=True, db_index=True)
    beat_code = models.CharField(_("beat code"), max_length=12, blank=True, db_index=True)
    # Why: a code of calls.reasons.REASONS and its JSON parameters, rendered when read
    # (`reason_text`); `reason` holds the Chinese text of calls stored before codes existed.
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=16, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    # What the model said (`classify.Decision`): its class, probability and the features that
    # weighed most; `marked` when the call was kept only because the model could not tell.
    suggested = models.CharField(_("suggested"), max_length=8, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    why = models.JSONField(_("why"), default=list, blank=True)
    marked = models.BooleanField(_("for the operator"), default=False)
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("110 call")
        verbose_name_plural = _("110 calls")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["namespace", "call_id"], name="calls_call_once_per_namespace"
            )
        ]

    def __str__(self) -> str:
        return self.call_id

    @property
    def reason_text(self) -> str:
        """Why it was diverted or kept, in the reader's language."""
        from outpost.calls.reasons import Reason

        if not self.reason_code:
            return self.reason
        return str(Reason.from_stored(self.reason_code, self.reason_params))

    @property
    def desk_reason_code(self) -> str:
        """Why the desk itself decided, as a code: the call's own until an operator corrects it,
        then the one kept beside the correction ("" if unknown)."""
        from outpost.calls.reasons import desk_reason

        found = desk_reason(self.reason_code, self.reason_params)
        return found.code if found is not None else ""

    @property
    def desk_reason_text(self) -> str:
        """Why the desk itself decided, once an operator has corrected the call; else "". A call
        stored before reasons had codes still holds the desk's words in `reason`."""
        from outpost.calls.reasons import CORRECTED, desk_reason

        if self.reason_code not in CORRECTED:
            return ""
        found = desk_reason(self.reason_code, self.reason_params)
        return str(found) if found is not None else self.reason

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """Calls at a place in the caller's area: by beat for the police; by grid for civil
        roles, and then only the diverted ones (a call kept with the police is police matter).
        A call that matched no address has neither and is seen only by those who see all."""
        civil = prefix_q("grid_code", scope.civil) & models.Q(decision="divert")
        return civil | prefix_q("beat_code", scope.police)


class CallModel(models.Model):
    """A trained call model (`calls.model.Classifier`, pickled): what it learnt from, its scores
    on the sample and the unseen set, and whether it was adopted. The model in use is the
    adopted one with the highest version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    counts = models.JSONField(_("training counts"), default=dict)  # source → examples
    scores = models.JSONField(_("scores"), default=dict)  # set → Scores.as_dict()
    adopted = models.BooleanField(_("adopted"), default=False)
    # Why it was adopted or refused: a code of calls.learning.VERDICTS and its parameters.
    verdict = models.CharField(_("verdict"), max_length=20, blank=True)
    verdict_params = models.JSONField(_("verdict parameters"), default=dict, blank=True)
    blob = models.BinaryField(_("model"))

    class Meta:
        verbose_name = _("call model")
        verbose_name_plural = _("call models")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def verdict_text(self) -> str:
        from outpost.calls.learning import verdict_text

        return verdict_text(self.verdict, self.verdict_params)


class Correction(models.Model):
    """An operator's correction of a call's decision: from what to what, by whom and when; a
    confirmation (the decision stands) goes from a label to itself. The call's text with
    `to_label` becomes training data."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="corrections")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("corrected at"))
    from_label = models.CharField(_("from"), max_length=8)  # POLICE or a sub-type
    to_label = models.CharField(_("to"), max_length=8)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.from_label} → {self.to_label}"

    @property
    def confirms(self) -> bool:
        return self.from_label == self.to_label
