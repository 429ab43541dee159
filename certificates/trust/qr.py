"""QR codes for verify URLs: one matrix, three renderers (PDF vectors, SVG, PNG).

* Error correction Q (25 %) by default: a printed card survives scuffs and a fold.
* A fixed mask pattern (``DEFAULT_MASK``) skips qrcode's search over 8 masks, which
  re-builds and scores the matrix 8 times; any mask is a valid QR code, the search only
  picks the one with the lowest ISO 18004 penalty score. ``mask_pattern=None`` restores it.
* Modules are drawn as vector rectangles, one rectangle per horizontal run of dark modules,
  all in a single filled path: sharp at any print resolution, tiny in the PDF, and no
  PNG encoding/embedding.
* ``max_version`` (default 19) refuses data that would need a denser code; phone cameras
  read versions below 20 comfortably at card size.

Data segmentation: ``qrcode`` splits the string into numeric / alphanumeric / byte
segments (runs of at least 20 characters), so a base32 token is encoded in alphanumeric
mode even after a lower-case ``https://host/verify/`` prefix in byte mode. Use
:func:`segments` to check.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from .qr_encode import DataOverflow, qr_modules

ERROR_LEVELS = {
    "L": ERROR_CORRECT_L,
    "M": ERROR_CORRECT_M,
    "Q": ERROR_CORRECT_Q,
    "H": ERROR_CORRECT_H,
}
DEFAULT_ERROR = "Q"
DEFAULT_MASK = 4
MAX_VERSION = 19
QUIET_ZONE = 4  # modules of white border required by ISO/IEC 18004
_DARK_RUN = re.compile(b"\x01+")

_MODE_NAMES = {
    qrcode.util.MODE_NUMBER: "numeric",
    qrcode.util.MODE_ALPHA_NUM: "alphanumeric",
    qrcode.util.MODE_8BIT_BYTE: "byte",
    qrcode.util.MODE_KANJI: "kanji",
}


class QRTooLarge(ValueError):
    """The data does not fit in a QR code of at most ``max_version``."""


@dataclass(frozen=True)
class QRMatrix:
    """The module matrix without quiet zone: ``rows[r][c]`` is True for a dark module."""

    rows: tuple[tuple[bool, ...], ...]
    version: int
    error: str
    mask: int

    @property
    def size(self) -> int:
        return len(self.rows)

    def runs(self):
        """(row, first column, length) of every horizontal run of dark modules."""
        # bytes() of a row of booleans is b"\x00\x01..."; the regular expression finds the
        # runs in C, several times faster than walking the modules in Python.
        for r, row in enumerate(self.rows):
            for run in _DARK_RUN.finditer(bytes(row)):
                yield r, run.start(), run.end() - run.start()


def segments(data: str) -> list[tuple[str, int]]:
    """How ``qrcode`` segments ``data``: [(mode name, length in characters), ...]."""
    return [(_MODE_NAMES[c.mode], len(c.data)) for c in qrcode.util.optimal_data_chunks(data, 20)]


def make_qr(
    data: str,
    *,
    error: str = DEFAULT_ERROR,
    mask_pattern: int | None = DEFAULT_MASK,
    max_version: int = MAX_VERSION,
) -> QRMatrix:
    """Build the smallest QR code for ``data`` at level ``error`` (L/M/Q/H)."""
    try:
        level = ERROR_LEVELS[error.upper()]
    except KeyError as exc:
        raise ValueError(f"error correction must be one of L, M, Q, H (got {error!r})") from exc
    if mask_pattern is not None:
        # The usual case (every certificate): the fast encoder, bit for bit qrcode's matrix.
        try:
            version, rows = qr_modules(data, level, mask_pattern)
        except DataOverflow as exc:
            raise QRTooLarge(f"{len(data)} characters do not fit in any QR version") from exc
        _check_version(data, version, error, max_version)
        return QRMatrix(rows=rows, version=version, error=error.upper(), mask=mask_pattern)
    qr = qrcode.QRCode(error_correction=level, border=0, mask_pattern=mask_pattern)
    qr.add_data(data, optimize=20)
    try:
        qr.make(fit=True)
    except qrcode.exceptions.DataOverflowError as exc:
        raise QRTooLarge(f"{len(data)} characters do not fit in any QR version") from exc
    _check_version(data, qr.version, error, max_version)
    rows = tuple(tuple(bool(m) for m in row) for row in qr.modules)
    mask = qr.mask_pattern if qr.mask_pattern is not None else -1
    return QRMatrix(rows=rows, version=qr.version, error=error.upper(), mask=mask)


def _check_version(data: str, version: int, error: str, max_version: int) -> None:
    if version > max_version:
        raise QRTooLarge(
            f"{len(data)} characters need QR version {version} at level {error}; "
            f"the limit is {max_version}"
        )


def draw_qr(
    canvas,
    qr: QRMatrix,
    x: float,
    y: float,
    size: float,
    *,
    quiet_zone: int = QUIET_ZONE,
    background: bool = True,
) -> None:
    """Draw ``qr`` on a reportlab canvas as vector rectangles.

    ``(x, y)`` is the lower-left corner and ``size`` the side of the square *including*
    the quiet zone (reportlab units, points). ``background`` paints the square white
    first, so the code also reads on a tinted certificate.
    """
    modules = qr.size + 2 * quiet_zone
    unit = size / modules
    canvas.saveState()
    if background:
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # Module coordinates: origin at the top-left module, y downwards, one unit per module.
    # The rectangles are then small integers, written as one path and filled once
    # ("re" ... "f"); 3-4x faster than reportlab's float formatting per rectangle.
    canvas.transform(unit, 0, 0, -unit, x + quiet_zone * unit, y + size - quiet_zone * unit)
    ops = [f"{c} {r} {length} 1 re" for r, c, length in qr.runs()]
    if ops:
        canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


def qr_svg(
    qr: QRMatrix, *, quiet_zone: int = QUIET_ZONE, size: str | None = None, title: str = ""
) -> str:
    """A standalone SVG (one path, module units, crisp edges). ``size``: CSS width/height."""
    n = qr.size + 2 * quiet_zone
    d = "".join(
        f"M{c + quiet_zone} {r + quiet_zone}h{length}v1h-{length}z" for r, c, length in qr.runs()
    )
    dims = f' width="{size}" height="{size}"' if size else ""
    label = f"<title>{_xml_escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}"{dims} '
        f'shape-rendering="crispEdges" role="img">{label}'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d="{d}"/></svg>'
    )


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def qr_image(qr: QRMatrix, *, box_size: int = 8, quiet_zone: int = QUIET_ZONE):
    """A Pillow 1-bit image, ``box_size`` pixels per module."""
    from PIL import Image

    n = qr.size + 2 * quiet_zone
    white, black = b"\xff", b"\x00"
    blank = white * n
    lines = [blank] * quiet_zone
    pad = white * quiet_zone
    for row in qr.rows:
        lines.append(pad + b"".join(black if m else white for m in row) + pad)
    lines.extend([blank] * quiet_zone)
    img = Image.frombytes("L", (n, n), b"".join(lines))
    img = img.convert("1", dither=Image.Dither.NONE)  # pixels are 0/255 already
    return img.resize((n * box_size, n * box_size), Image.Resampling.NEAREST)


def qr_png(qr: QRMatrix, *, box_size: int = 8, quiet_zone: int = QUIET_ZONE) -> bytes:
    """PNG bytes for the web page or a phone screen."""
    buf = io.BytesIO()
    qr_image(qr, box_size=box_size, quiet_zone=quiet_zone).save(buf, format="PNG")
    return buf.getvalue()
