"""Static files storage for production, and the private storage of evidence files.

Static files: WhiteNoise: WhiteNoise's compressed, hashed files, with each
file's URL worked out once per process.

`{% static %}` asks the storage for a URL on every render; the manifest storage answers by
cleaning the name, looking it up in the manifest and joining it to STATIC_URL (~40 us on
the two-core machine, twice on every page). The manifest is read once when the process
starts (collectstatic runs before the server does), so the answer for a name cannot change
while the process lives.
"""

from __future__ import annotations

import mimetypes
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # DEBUG serves unhashed names: nothing to remember
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # Only names in the manifest get here (others raise), so the dict stays small.
            url = self._urls[name] = super().url(name)
            return url


class PrivateFileStorage(FileSystemStorage):
    """Files that only a checked view may hand out (drill and campaign-month evidence):
    kept under PRIVATE_MEDIA_ROOT, out of MEDIA_ROOT, which the web server publishes at
    /media/ to anyone with the URL. A private file has no URL of its own: asking for one is
    a programming error, never a link that works for the wrong person."""

    @property
    def base_location(self):
        # Read per call, so a test's own PRIVATE_MEDIA_ROOT applies.
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("A private file has no public URL; serve it through a checked view.")


private_storage = PrivateFileStorage()


def private_file_response(stored, *, inline: bool) -> FileResponse:
    """A private file for a view that has checked who asks: a photo shown in the page, any
    other file downloaded; never cached by a shared cache, never sniffed as another type."""
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(
        stored.open("rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=os.path.basename(stored.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
