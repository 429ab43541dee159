"""A CJK TrueType font for reportlab, registered once and embedded (subset) in every PDF.

reportlab embeds TrueType outlines (``glyf``), including TrueType collections (``.ttc``,
first face via ``subfontIndex=0``). It cannot load CFF-flavoured OpenType (Noto Sans CJK /
Source Han ``.otf`` and their ``.ttc``): those are skipped. reportlab's built-in
``STSong-Light`` is never embedded, so viewers without the Adobe GB1 pack show boxes; we do
not fall back to it.

Search order: ``settings.CERTIFICATE_FONT_PATHS`` (a list of files), else
:data:`DEFAULT_FONT_PATHS`. Debian/Ubuntu: ``apt-get install fonts-wqy-microhei``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FONT_NAME = "CertCJK"

DEFAULT_FONT_PATHS: tuple[str, ...] = (
    # Debian / Ubuntu
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",  # a TrueType Noto SC, if present
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    # Fedora / RHEL
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    # Alpine
    "/usr/share/fonts/wenquanyi/wqy-zenhei.ttc",
    # Windows
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    # macOS
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)

INSTALL_HINT = (
    "no CJK TrueType font found for certificate PDFs; install one "
    "(Debian/Ubuntu: apt-get install fonts-wqy-microhei) or set CERTIFICATE_FONT_PATHS "
    "to a .ttf/.ttc file with TrueType outlines (CFF-based Noto CJK .otf will not load)"
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
    try:
        from django.conf import settings

        configured = (
            getattr(settings, "CERTIFICATE_FONT_PATHS", None) if settings.configured else None
        )
    except ImportError:  # pragma: no cover
        configured = None
    if configured:
        return [os.fspath(p) for p in configured]
    return list(DEFAULT_FONT_PATHS)


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


def register_cjk_font(
    name: str = FONT_NAME, paths: Sequence[str | os.PathLike] | None = None
) -> RegisteredFont:
    """Register (once per process) the first usable font and return it; raise
    :class:`FontNotFound` with an installation hint when none loads."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

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
