"""Photos and PDFs on cases: checked and kept by `outpost.core.files`, named by an `Attachment`
row (its purpose, who uploaded it, when); at most OUTPOST_MAX_ATTACHMENTS per case."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.models import Attachment, Case
from outpost.core.context import stored_user
from outpost.core.files import CleanFile, clean_upload, keep_file
from outpost.core.refusals import refusal


def store(
    case: Case, files: list[tuple[str, bytes]], *, actor: User | None, purpose: str
) -> list[Attachment]:
    """Check every file first, then keep them all; one bad file keeps none (nothing half-done)."""
    already = case.attachments.count()
    if already + len(files) > settings.OUTPOST_MAX_ATTACHMENTS:
        limit = settings.OUTPOST_MAX_ATTACHMENTS
        raise refusal(_("At most %(limit)s attachments per case"), limit=limit)
    cleaned = [clean_upload(name, data) for name, data in files]
    now = timezone.now()
    return [_keep(case, f, actor, purpose, now) for f in cleaned]


def _keep(case: Case, clean: CleanFile, actor: User | None, purpose: str, now: Any) -> Attachment:
    attachment = Attachment(
        case=case, purpose=purpose, uploaded_by=stored_user(actor), uploaded_at=now
    )
    return keep_file(attachment, "cases", clean)
