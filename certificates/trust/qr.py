"""QR codes for verify URLs: one matrix, three renderers (PDF vectors, SVG, PNG).

* Error correction Q (25 %) by default: a printed card survives scuffs and a fold.
* A fixed mask pattern (``DEFAULT_MASK``) skips qrcode's search over 8 masks, which
  re-builds and scores the matrix 8 times; any mask is a valid QR code, the search only
  picks the one with the lowest ISO 18004 penalty score. ``mask_pattern=None`` restores it.
* Modules are drawn as vector rectangles, one rectangle per horizontal run of dark modules
  (runs of the same columns in consecutive rows merged into one taller rectangle), all in a
  single filled path: sharp at any print resolution, tiny in the PDF, and no PNG
  encoding/embedding.
* ``max_version`` (default 19) refuses data that would need a denser code; phone cameras
  read versions below 20 comfortably at card size.

Data segmentation: ``qrcode`` splits the string into numeric / alphanumeric / byte
segments (runs of at least 20 characters), so a base32 token is encoded in alphanumeric
mode even after a lower-case ``https://host/verify/`` prefix in byte mode. Use
:func:`segments` to check.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

import numpy as np
import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas

from documents.flate import deflate

from .qr_encode import DataOverflow, qr_grid

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
    """The module matrix without quiet zone, as ``size * size`` bytes row by row (1 for a
    dark module): the form the PDF path is written from in one vectorized pass."""

    grid: bytes
    version: int
    error: str
    mask: int

    @classmethod
    def from_rows(cls, rows, *, version: int, error: str, mask: int) -> QRMatrix:
        return cls(
            grid=bytes(bool(m) for row in rows for m in row),
            version=version,
            error=error,
            mask=mask,
        )

    @property
    def size(self) -> int:
        return self.version * 4 + 17

    @functools.cached_property
    def rows(self) -> tuple[tuple[bool, ...], ...]:
        """``rows[r][c]`` is True for a dark module."""
        n = self.size
        return tuple(tuple(map(bool, self.grid[r * n : r * n + n])) for r in range(n))

    def runs(self):
        """(row, first column, length) of every horizontal run of dark modules."""
        # The regular expression finds the runs in C, several times faster than walking
        # the modules in Python.
        n = self.size
        for r in range(n):
            for run in _DARK_RUN.finditer(self.grid, r * n, r * n + n):
                yield r, run.start() - r * n, run.end() - run.start()

    def pdf_path(self) -> bytes:
        """The dark modules as PDF path operators in module units (origin at the top-left
        module, y downwards): one ``c r w h re`` per rectangle, ending in one fill ``f``.

        Horizontal runs of dark modules are found with numpy, runs of the same columns in
        consecutive rows are merged into one taller rectangle, and the numbers are written
        as fixed-width digits straight into a byte array. A version-18 code is about 1,300
        rectangles; formatting them one by one in Python cost more than the rest of the QR.
        """
        n = self.size
        # Each row followed by one light module, flattened: runs then never cross a row's
        # end, and the changes from light to dark and back alternate, start, end, start...
        # (One light module before the first row too: a change at position i of the padded
        # grid is then where ``flat[i + 1] != flat[i]``.)
        flat = np.zeros(n * (n + 1) + 1, dtype=np.uint8)
        flat[1:].reshape(n, n + 1)[:, :n] = np.frombuffer(self.grid, dtype=np.uint8).reshape(n, n)
        changes = np.flatnonzero(flat[1:] != flat[:-1])
        if not len(changes):
            return b""
        starts, ends = changes[0::2], changes[1::2]
        rows, starts = np.divmod(starts, n + 1)
        lengths = ends - (rows * (n + 1) + starts)
        # Runs of the same (start, length) in consecutive rows are one rectangle. The runs
        # come row by row, so a stable sort on (start, length) alone leaves each key's runs
        # in row order; a rectangle then begins wherever the key changes or a row is skipped,
        # and its height is the number of runs up to the next beginning. The key fits in 16
        # bits (n <= 177), for which numpy's stable sort is a radix sort: several times
        # faster than sorting on (start, length, row).
        key = (starts * (n + 1) + lengths).astype(np.uint16)
        order = np.argsort(key, kind="stable")
        key, rows, starts, lengths = key[order], rows[order], starts[order], lengths[order]
        begins = np.ones(len(key), dtype=bool)
        begins[1:] = (key[1:] != key[:-1]) | (rows[1:] != rows[:-1] + 1)
        first = np.flatnonzero(begins)
        heights = np.diff(first, append=len(rows))
        return _rects_to_pdf(starts[first], rows[first], lengths[first], heights, n)


# "  0" .. " 99" and "   0" .. " 999": every number a rectangle can have, right aligned with
# at least one space before it (PDF allows any whitespace between operands).
_NUMBERS_3 = np.frombuffer(b"".join(b"%3d" % i for i in range(100)), dtype=np.uint8).reshape(-1, 3)
_NUMBERS_4 = np.frombuffer(b"".join(b"%4d" % i for i in range(1000)), dtype=np.uint8).reshape(-1, 4)
_RE = np.frombuffer(b" re\n", dtype=np.uint8)


def _rects_to_pdf(x, y, width, height, size: int) -> bytes:
    """``x y w h re`` lines, then ``f``, for a code of ``size`` modules a side: each number in
    a fixed-width field, so the lines are written by one table look-up, no Python loop."""
    numbers = _NUMBERS_3 if size < 100 else _NUMBERS_4
    field = numbers.shape[1]
    count = len(x)
    out = np.empty((count, 4 * field + len(_RE)), dtype=np.uint8)
    fields = np.stack((x, y, width, height), axis=1)
    out[:, : 4 * field] = numbers.take(fields, axis=0).reshape(count, 4 * field)
    out[:, 4 * field :] = _RE
    return out.tobytes() + b"f"


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
            version, grid = qr_grid(data, level, mask_pattern)
        except DataOverflow as exc:
            raise QRTooLarge(f"{len(data)} characters do not fit in any QR version") from exc
        _check_version(data, version, error, max_version)
        return QRMatrix(grid=grid, version=version, error=error.upper(), mask=mask_pattern)
    qr = qrcode.QRCode(error_correction=level, border=0, mask_pattern=mask_pattern)
    qr.add_data(data, optimize=20)
    try:
        qr.make(fit=True)
    except qrcode.exceptions.DataOverflowError as exc:
        raise QRTooLarge(f"{len(data)} characters do not fit in any QR version") from exc
    _check_version(data, qr.version, error, max_version)
    mask = qr.mask_pattern if qr.mask_pattern is not None else -1
    return QRMatrix.from_rows(qr.modules, version=qr.version, error=error.upper(), mask=mask)


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
    # ("re" ... "f"); far faster than reportlab's float formatting per rectangle.
    canvas.transform(unit, 0, 0, -unit, x + quiet_zone * unit, y + size - quiet_zone * unit)
    path = qr.pdf_path()
    if path:
        canvas.doForm(_qr_form(canvas, qr, path))
    canvas.restoreState()


def _qr_form(canvas: Canvas, qr: QRMatrix, path: bytes) -> str:
    """The name of a form XObject holding ``path`` (the code's rectangles, module units),
    added to the canvas's document the first time this code is drawn on it.

    Why a form and not the page's own stream: the rectangles (about 21 KB of text for a
    version-15 code) are then compressed on their own, already when drawn, by
    :func:`documents.flate.deflate`: zlib at its default level 6 spent 0.8 ms on them, more
    than encoding and writing the code together. The form draws in the graphics state of the
    page where it is used (the transform and the black fill set just before), exactly as the
    same operators inline.
    """
    forms = canvas.__dict__.setdefault("_qr_forms", {})
    name = forms.get(qr.grid)
    if name is None:
        # A name per code drawn on this canvas, numbered in drawing order: the same
        # certificate keeps giving the same bytes.
        name = forms[qr.grid] = f"QR{len(forms)}"
        side = qr.size
        stream = PDFStream(
            PDFDictionary(
                {
                    "Type": PDFName("XObject"),
                    "Subtype": PDFName("Form"),
                    "BBox": PDFArray([0, 0, side, side]),
                    "Resources": PDFDictionary({}),
                    # Already compressed here: reportlab applies no filter of its own to a
                    # stream whose dictionary names one.
                    "Filter": PDFName("FlateDecode"),
                }
            ),
            deflate(path),
        )
        canvas._doc.addForm(name, stream)
    return name


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
