"""The Chinese font of every PDF, registered once per process and embedded (subset) in each.

The font comes with the product: ``documents/assets/wqy-microhei.ttc`` (WenQuanYi Micro Hei,
Apache License 2.0, see the licence file beside it), so a machine without any Chinese font
still makes certificates, training files and reports that every viewer shows the same.
``settings.CERTIFICATE_FONT_PATHS`` lists other TrueType files to prefer (the first that
loads wins); the packaged font is always the last resort. Nothing else is searched: the same
product makes the same PDF on every machine.

reportlab embeds TrueType outlines (``glyf``), including TrueType collections (``.ttc``, the
first face via ``subfontIndex=0``). It cannot load CFF-flavoured OpenType (Noto Sans CJK /
Source Han ``.otf`` and their ``.ttc``): those are skipped with the reason. reportlab's
built-in ``STSong-Light`` is never embedded (viewers without the Adobe GB1 pack show boxes),
so it is never used.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from struct import pack, unpack
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts

from .flate import deflate

FONT_NAME = "CertCJK"
PACKAGED_FONT = Path(__file__).resolve().parent / "assets" / "wqy-microhei.ttc"

INSTALL_HINT = (
    "no CJK TrueType font could be loaded for the PDFs: the packaged "
    f"{PACKAGED_FONT.name} is missing or damaged (restore it from the repository), and "
    "CERTIFICATE_FONT_PATHS names no .ttf/.ttc file with TrueType outlines (CFF-based Noto "
    "CJK .otf will not load; Debian's fonts-wqy-microhei does)"
)

_lock = threading.Lock()
_registered: dict[str, RegisteredFont] = {}


class FontNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class RegisteredFont:
    name: str
    path: str
    subfont_index: int


def font_search_path() -> list[str]:
    """``CERTIFICATE_FONT_PATHS`` in order, then the packaged font."""
    from django.conf import settings

    # Unconfigured Django (bench/bench_certificate_core.py) has only the packaged font.
    configured = settings.CERTIFICATE_FONT_PATHS if settings.configured else None
    configured = configured or []
    return [*(os.fspath(p) for p in configured), str(PACKAGED_FONT)]


def _is_cff(path: Path) -> bool:
    """True for CFF-flavoured OpenType (or a collection whose first face is CFF)."""
    with path.open("rb") as fh:
        head = fh.read(16)
        if head[:4] == b"OTTO":
            return True
        if head[:4] == b"ttcf":
            first = int.from_bytes(head[12:16], "big")
            fh.seek(first)
            return fh.read(4) == b"OTTO"
    return False


def restrict_reportlab() -> None:
    """reportlab may fetch nothing by URL (``file:``, ``data:``, ``http(s):``, ``ftp:`` are
    trusted for images by default). Every PDF of the product registers its font first, so
    this runs before any document is built; :mod:`documents.pdf` also calls it on import.
    It also makes every stream binary (below)."""
    rl_config.trustedSchemes = []
    rl_config.trustedHosts = None
    # Binary streams, not ASCII85: reportlab's ASCII85 encoder is pure Python here (no
    # _rl_accel), it made a fifth of every certificate's time and the PDFs 25 % larger; a
    # PDF has been a binary format for every reader since PDF 1.0.
    rl_config.useA85 = 0
    # Every stream of every PDF is deflated by documents.flate (ISA-L, level 1) rather than
    # by zlib at its default 6: a certificate's streams (page content, font subset,
    # ToUnicode map) took 1.8 ms at zlib's 6, 0.7 ms at zlib's 1 and 0.1 ms with ISA-L
    # (documents/flate.py). The font's outlines barely compress at any level.
    # reportlab looks its filter up by module attribute wherever it writes a stream.
    if not isinstance(pdfdoc.PDFZCompress, _FastFlate):
        pdfdoc.PDFZCompress = _FastFlate()
    # An array of integers (a font's glyph widths: hundreds per PDF) is written in one pass,
    # the very bytes reportlab writes, instead of a call of its generic formatter (and of its
    # Python text codec) per number.
    if pdfdoc.PDFArray.format is not _format_array:
        global _reportlab_format_array
        _reportlab_format_array = pdfdoc.PDFArray.format
        pdfdoc.PDFArray.format = _format_array


_reportlab_format_array: Any = None


def _format_array(self: Any, document: Any, IND: bytes = b"\n ") -> bytes:
    sequence = self.sequence
    multiline = (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced"
    if multiline or not sequence or any(type(e) is not int for e in sequence):
        return _reportlab_format_array(self, document, IND)
    numbers = [b"%d" % e for e in sequence]
    # reportlab breaks the line after every ten numbers.
    lines = [b" ".join(numbers[i : i + 10]) for i in range(0, len(numbers), 10)]
    return b"[ " + b" \n  ".join(lines) + b" ]"


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's FlateDecode filter, written by :func:`documents.flate.deflate`."""

    def encode(self, text: str | bytes) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")
        return deflate(text)


def _cache_tables(font: Any) -> None:
    """reportlab copies whole tables out of the font file for every subset it embeds (the
    ``glyf`` table of the packaged font is megabytes): a sixth of a certificate's time. The
    tables never change, so each is copied once per process and shared (bytes are
    immutable)."""
    face = font.face
    read = face.get_table
    tables: dict[str, bytes] = {}

    def get_table(tag: str) -> bytes:
        try:
            return tables[tag]
        except KeyError:
            data = tables[tag] = read(tag)
            return data

    face.get_table = get_table
    face.makeSubset = _Subsetter(face).make


# Composite glyph flags (the TrueType 'glyf' table), as reportlab reads them.
_MORE_COMPONENTS = 1 << 5
_ARGS_ARE_WORDS = 1 << 0
_SCALE = 1 << 3
_XY_SCALE = 1 << 6
_TWO_BY_TWO = 1 << 7


class _Subsetter:
    """reportlab's ``TTFontFile.makeSubset``, byte for byte the same font file, without its
    per-PDF cost: it seeks and reads every glyph's header through Python file methods to find
    composite glyphs, and copies the fixed tables anew for each subset (a fifth of a
    certificate's time). Here the tables are read once, a glyph's components once per
    process, and the rest is the same arithmetic (tests/documents/test_fonts.py compares the
    two on many subsets)."""

    def __init__(self, face: Any):
        self.face = face
        self.glyf = face.get_table("glyf")
        self.positions = face.glyphPos
        self.char_to_glyph = face.charToGlyph
        self.hmetrics = face.hmetrics
        self.copied = []
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            with contextlib.suppress(KeyError):  # cvt, fpgm and prep are optional
                self.copied.append((tag, face.get_table(tag)))
        self.post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.hhea = face.get_table("hhea")
        self.maxp = face.get_table("maxp")
        self.head = face.get_table("head")
        self.components: dict[int, tuple[tuple[int, int], ...]] = {}

    def parts(self, glyph: int) -> tuple[tuple[int, int], ...]:
        """(offset in the glyph's data, component glyph) of each component of a composite
        glyph; () for a simple or empty one."""
        try:
            return self.components[glyph]
        except KeyError:
            pass
        start, end = self.positions[glyph], self.positions[glyph + 1]
        found: list[tuple[int, int]] = []
        if end - start > 2 and unpack(">h", self.glyf[start : start + 2])[0] < 0:
            at = 10
            flags = _MORE_COMPONENTS
            while flags & _MORE_COMPONENTS:
                flags, component = unpack(">HH", self.glyf[start + at : start + at + 4])
                found.append((at + 2, component))
                at += 8 if flags & _ARGS_ARE_WORDS else 6
                if flags & _SCALE:
                    at += 2
                elif flags & _XY_SCALE:
                    at += 4
                elif flags & _TWO_BY_TWO:
                    at += 8
        parts = self.components[glyph] = tuple(found)
        return parts

    def make(self, subset: list[int]) -> bytes:
        output = ttfonts.TTFontMaker()
        glyph_map = [0]  # new glyph index -> old glyph index
        glyph_set = {0: 0}  # old glyph index -> new glyph index
        code_to_glyph: dict[int, int] = {}
        lookup = self.char_to_glyph.get
        for code in subset:
            original = lookup(code, 0)
            if original not in glyph_set:
                glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph[code] = glyph_set[original]
        n = 0
        while n < len(glyph_map):  # the components of composite glyphs too
            for _at, component in self.parts(glyph_map[n]):
                if component not in glyph_set:
                    glyph_set[component] = len(glyph_map)
                    glyph_map.append(component)
            n += 1

        for tag, data in self.copied:
            output.add(tag, data)
        output.add("post", self.post)
        count = len(glyph_map)

        hmetrics = self.hmetrics
        hmtx: list[int] = []
        for glyph in glyph_map:
            advance, lsb = hmetrics[glyph]
            hmtx.append(int(advance))
            hmtx.append(int(lsb))
        # Trailing glyphs of the same advance keep only their left side bearing.
        n = len(hmtx) - 2
        while n and hmtx[n] == hmtx[n - 2]:
            n -= 2
        n += 2
        metrics = n >> 1
        hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
        output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
        output.add("hhea", ttfonts._set_ushort(self.hhea, 34, metrics))
        output.add("maxp", ttfonts._set_ushort(self.maxp, 4, count))

        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
        cmap += [code_to_glyph[code] for code in subset]
        output.add("cmap", pack(f">{len(cmap)}H", *cmap))

        glyf, positions, offsets = self.glyf, self.positions, []
        pieces: list[bytes] = []
        pos = 0
        for glyph in glyph_map:
            offsets.append(pos)
            start, end = positions[glyph], positions[glyph + 1]
            data = glyf[start:end]
            for at, component in self.parts(glyph):
                data = ttfonts._set_ushort(data, at, glyph_set[component])
            pieces.append(data)
            pos += end - start
            if pos % 4:
                pieces.append(b"\0" * (4 - pos % 4))
                pos += 4 - pos % 4
        offsets.append(pos)
        output.add("glyf", b"".join(pieces))
        if (pos + 1) >> 1 > 0xFFFF:
            long_offsets = 1
            output.add("loca", pack(f">{len(offsets)}L", *offsets))
        else:
            long_offsets = 0
            output.add("loca", pack(f">{len(offsets)}H", *(o >> 1 for o in offsets)))
        output.add("head", ttfonts._set_ushort(self.head, 50, long_offsets))
        return output.makeStream()


def register_cjk_font(
    name: str = FONT_NAME, paths: Sequence[str | os.PathLike] | None = None
) -> RegisteredFont:
    """Register (once per process and name) the first font that loads and return it; raise
    :class:`FontNotFound` with the reason when none does."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    restrict_reportlab()
    with _lock:
        if name in _registered:
            return _registered[name]
        tried: list[str] = []
        for candidate in paths if paths is not None else font_search_path():
            path = Path(candidate)
            if not path.is_file():
                continue
            try:
                if _is_cff(path):
                    tried.append(f"{path} (CFF outlines)")
                    continue
                font = TTFont(name, str(path), subfontIndex=0)
            except (TTFError, OSError, ValueError) as exc:
                tried.append(f"{path} ({exc})")
                continue
            _cache_tables(font)
            pdfmetrics.registerFont(font)
            registered = RegisteredFont(name, str(path), 0)
            _registered[name] = registered
            return registered
        detail = f"; tried: {', '.join(tried)}" if tried else ""
        raise FontNotFound(INSTALL_HINT + detail)


def find_font(paths: Iterable[str | os.PathLike] | None = None) -> str | None:
    """The first existing, loadable-looking font file on the search path (no registration)."""
    for candidate in paths if paths is not None else font_search_path():
        path = Path(candidate)
        if path.is_file() and not _is_cff(path):
            return str(path)
    return None


def forget_fonts() -> None:
    """Forget which file each name was registered from, so the next registration searches
    again (tests that change CERTIFICATE_FONT_PATHS). reportlab keeps its own registry; a
    name registered again replaces the font there."""
    with _lock:
        _registered.clear()
