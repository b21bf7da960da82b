"""Feedback photos kept like case attachments: checked and stripped of EXIF by
`outpost.cases.attachments.clean_upload`, stored once per content under their SHA-256."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from outpost.cases.attachments import CleanFile
from outpost.instructions.models import Feedback, FeedbackPhoto


def keep(feedback: Feedback, clean: CleanFile) -> FeedbackPhoto:
    digest = hashlib.sha256(clean.data).hexdigest()
    path = f"instructions/{digest[:2]}/{digest}.{clean.name.rsplit('.', 1)[-1]}"
    if not default_storage.exists(path):  # the same bytes are kept once
        path = default_storage.save(path, ContentFile(clean.data))
    photo = FeedbackPhoto(
        feedback=feedback,
        name=clean.name,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=digest,
    )
    photo.file.name = path
    photo.save()
    return photo
