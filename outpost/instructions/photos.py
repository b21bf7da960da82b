"""Feedback photos kept like case attachments: checked and stripped of EXIF by
`outpost.core.files.clean_upload`, stored once per content under their SHA-256."""

from outpost.core.files import CleanFile, keep_file
from outpost.instructions.models import Feedback, FeedbackPhoto


def keep(feedback: Feedback, clean: CleanFile) -> FeedbackPhoto:
    return keep_file(FeedbackPhoto(feedback=feedback), "instructions", clean)
