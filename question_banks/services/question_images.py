"""Images in question texts: uploaded by a bank's owner, checked, stored as media files.

An image is stored under its content hash in the bank's folder, as the importers store a
Moodle file's images (services/imports.py), so the same picture uploaded twice is one file
and a question's HTML points at a stable URL. Only real raster images are taken: the file
is opened with Pillow (never trusting its name or the browser's type), and SVG is refused
because it can carry scripts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from question_banks.models import QuestionBank
from question_banks.services.permissions import bank_can_change, require
from roster.models import User

_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


def image_max_bytes() -> int:
    return settings.QUESTION_IMAGE_MAX_BYTES


@dataclass(frozen=True)
class StoredImage:
    url: str
    path: str
    created: bool  # a new file (removed again when the question is not saved after all)


def question_image_check(upload: File) -> str:
    """The image's file suffix, or a ValidationError saying what is wrong with the file."""
    limit = image_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The image is too large (%(size)s KB); at most %(limit)s KB.")
            % {"size": (upload.size + 1023) // 1024, "limit": limit // 1024}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This file is not an image (PNG, JPEG, GIF or WebP).")) from exc
    finally:
        upload.seek(0)
    if kind not in _FORMATS:
        raise ValidationError(_("This file is not an image (PNG, JPEG, GIF or WebP)."))
    return _FORMATS[kind]


def question_image_store(*, actor: User | None, bank: QuestionBank, upload: File) -> StoredImage:
    """Store an image for a question of one of the actor's banks."""
    require(bank_can_change(actor, bank), _("You may only add questions to your own banks."))
    suffix = question_image_check(upload)
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()[:24]
    path = f"question_media/{bank.code}/{digest}{suffix}"
    created = not default_storage.exists(path)
    if created:
        path = default_storage.save(path, ContentFile(data))
    return StoredImage(default_storage.url(path), path, created)


def question_images_discard(images: list[StoredImage]) -> None:
    """Remove the files stored for a question that was then not saved."""
    for image in images:
        if image.created:
            default_storage.delete(image.path)
