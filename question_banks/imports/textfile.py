"""Reading text formats (GIFT, Aiken) whatever encoding a training body saved them in."""

from __future__ import annotations

from pathlib import Path


def read_text(data: bytes | str | Path) -> str:
    """Decode UTF-8 (with or without BOM), else GB18030 (Windows "ANSI" files in China).

    Line endings become "\\n" so line numbers count the same on every platform.
    """
    if isinstance(data, Path):
        data = data.read_bytes()
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    else:
        text = data
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_name(data, filename: str | None) -> str:
    if filename:
        return filename
    return data.name if isinstance(data, Path) else ""
