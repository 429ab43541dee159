"""Files shown with a question (Moodle's ``@@PLUGINFILE@@/name``): checked, never lost quietly.

A question keeps the images its shown texts (stem, options, explanation) refer to; the import
service stores them and links them. What cannot be kept is reported: a referenced file that is
not in the import file (a GIFT file can never carry one), a file that is no image (the exam page
shows only images: audio, video and documents would leave the question unanswerable), and, as a
note that does not stop the import, a file that only belonged to a part this product has no
place for (per-answer feedback, hints) or that nothing refers to.

Images are recognised by their first bytes, not by their names: a Moodle file may be called
anything, and a name ending in .png proves nothing.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.utils.translation import gettext as _

PLUGINFILE_RE = re.compile(r"@@PLUGINFILE@@/([^\"'<>?#\s]+)")
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
}


def image_type(name: str, data: bytes) -> str | None:
    """The image MIME type of `data`, or None when it is not an image the page can show."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if name.lower().endswith(".svg") and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def file_key(reference: str) -> str:
    """The file a ``@@PLUGINFILE@@/…`` reference names. Moodle percent-encodes the path in the
    text (``%E5%9B%BE.png`` for 图.png, ``a%20b.png``) but not in ``<file name>``."""
    return unquote(reference)


def referenced(texts) -> list[str]:
    """The files (path/name, decoded) `texts` refer to, in order of first use."""
    names: list[str] = []
    for text in texts:
        for match in PLUGINFILE_RE.finditer(text or ""):
            if (name := file_key(match.group(1))) not in names:
                names.append(name)
    return names


def file_problems(
    shown_texts, files: dict[str, bytes], *, broken=(), fmt: str = "moodle"
) -> list[tuple[str, str, str, str]]:
    """(field, value, code, reason) for every file the shown texts need but cannot have."""
    problems = []
    for name in referenced(shown_texts):
        if name in broken:
            reason = _("The file “%(name)s” in the import file is damaged (not valid base64).")
            problems.append(("file", name, "broken_file", reason % {"name": name}))
        elif name not in files:
            if fmt == "gift":
                reason = _(
                    "The question shows the picture “%(name)s”, but a GIFT file cannot carry "
                    "pictures: export the questions from Moodle as Moodle XML instead."
                )
            else:
                reason = _(
                    "The question shows the file “%(name)s”, but that file is not in the "
                    "import file."
                )
            problems.append(("file", name, "missing_file", reason % {"name": name}))
        elif image_type(name, files[name]) is None:
            reason = _(
                "The question uses the file “%(name)s”, which is not a picture; the exam page "
                "shows only pictures, so the question could not be answered."
            )
            problems.append(("file", name, "file_not_shown", reason % {"name": name}))
    return problems
