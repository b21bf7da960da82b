"""In-app inbox messages (站内消息): one row per reader, about a subject of any app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """What happened (an event code) to what (`subject_kind` + `subject_id`: a case, an
    instruction), for one reader. It never keeps words about the subject: they are rendered when
    read, for the one reading, by the subject's app (`outpost.notifications.subjects`), so a title
    the reader may no longer see is never shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject_kind = models.CharField(_("subject kind"), max_length=16)
    subject_id = models.PositiveBigIntegerField(_("subject"))
    event = models.CharField(_("event"), max_length=24)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="notification_subject")]

    def __str__(self) -> str:
        return f"{self.event} {self.subject_kind}:{self.subject_id}"
