"""Feedback photos kept like case attachments: checked and stripped of EXIF by
`outpost.cases.attachments.clean_upload`, stored once per content under their SHA-256."""

from outpost.cases.attachments import CleanFile, save_content
from outpost.instructions.models import Feedback, FeedbackPhoto


def keep(feedback: Feedback, clean: CleanFile) -> FeedbackPhoto:
    path, digest = save_content("instructions", clean)
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
