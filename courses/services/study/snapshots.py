"""Webcam snapshots a learner agreed to send, kept as attendance evidence."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from courses.models import AttendanceSnapshot, LessonPage, StudySettings
from courses.selectors import lesson_open_to
from courses.services.study.outcomes import NOT_ALLOWED, StudyError
from roster.models import Person

SNAPSHOT_MAX_BYTES = 512 * 1024
SNAPSHOT_MAX_SIDE = 2000


def snapshot_save(
    *, person: Person, lesson: LessonPage, data: bytes, now: dt.datetime | None = None
) -> AttendanceSnapshot:
    """Keep a webcam picture the learner agreed to send, as attendance evidence.

    Refused unless the setting is on and the lesson is open to the person; the file must be
    a real JPEG of sensible size, checked with Pillow before anything is stored.
    """
    now = now or timezone.now()
    if not StudySettings.load().webcam_snapshots:
        raise StudyError(_("Webcam snapshots are switched off."), "off")
    if not lesson_open_to(person=person, lesson=lesson):
        raise StudyError(_("This lesson is not open to you for credit."), NOT_ALLOWED)
    if not data or len(data) > SNAPSHOT_MAX_BYTES:
        raise StudyError(
            _("The picture must be a JPEG of at most %(kb)s KB.")
            % {"kb": SNAPSHOT_MAX_BYTES // 1024},
            "size",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise StudyError(_("The picture could not be read as a JPEG."), "image") from exc
    if kind != "JPEG" or max(size) > SNAPSHOT_MAX_SIDE or min(size) < 16:
        raise StudyError(_("The picture could not be read as a JPEG."), "image")
    snapshot = AttendanceSnapshot(person=person, lesson=lesson, taken_at=now)
    # Kept privately (the model's storage) under a random name: the person and the second
    # it was taken would let anyone walk through everyone's faces.
    snapshot.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
    snapshot.full_clean()
    snapshot.save()
    return snapshot
