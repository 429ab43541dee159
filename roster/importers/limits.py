"""Size limits checked before any parsing, so a huge or hostile upload costs nothing."""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import FileProblem

# A roster of a few thousand people is a few hundred KB; these stop runaway files early.
MAX_DATA_ROWS = 20_000
# An .xlsx is a zip: refuse one that would inflate far beyond any real roster (zip bomb).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse a file larger than settings.UPLOAD_MAX_BYTES before reading it."""
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s; files up to %(limit)s are accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def check_zip_expansion(data: bytes) -> None:
    """Refuse an .xlsx whose parts would inflate beyond MAX_UNZIPPED_BYTES."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED_BYTES:
        raise FileProblem(_("The spreadsheet is too large once unpacked; split it into parts."))
