"""Whether an uploaded file is a whole picture, for the uploads kept as pictures."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError


def is_whole_picture(upload: UploadedFile) -> bool:
    """Whether Pillow reads the whole file as a picture, not only its first bytes: a page
    hidden behind a JPEG or PNG signature is not one. Leaves the file at its start."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return False
    finally:
        upload.seek(0)
    return True
