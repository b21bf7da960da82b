"""Open311 GeoReport v2: the keys other software posts requests with, and the requests posted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.cases.models import Case


class ApiKey(models.Model):
    """A key for posting service requests. Only its keyed hash is stored; the key is shown once,
    when an administrator creates it. Posts are limited per key and hour."""

    name = models.CharField(_("name"), max_length=64)
    owner = models.CharField(_("owner"), max_length=100)  # the organisation using it
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("key begins with"), max_length=8)  # to tell keys apart
    posts_per_hour = models.PositiveIntegerField(_("requests per hour"), default=60)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Submission(models.Model):
    """A service request posted through Open311: the case it became, the key it came with, and
    the token that names it (`tokens/{token}`)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(_("token"), max_length=32, unique=True)
    device_id = models.CharField(_("device id"), max_length=64, blank=True)
    account_id = models.CharField(_("account id"), max_length=64, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return self.token
