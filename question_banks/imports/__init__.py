"""Question files in: the Excel template, Moodle XML, GIFT and Aiken.

Parsers return a `ParseResult` (questions, every error with its row/line, skipped questions
by name, near-duplicate stems) and never touch the database, so the import service
(question_banks.services.imports) can report everything before deciding to write
(ARCHITECTURE.md rule 8). The formats the product writes back out (Excel, Moodle XML) are in
question_banks.exports, which builds on the same `model`.
"""

from __future__ import annotations

from pathlib import Path

from . import aiken, excel, gift, moodle_xml
from .detect import FORMATS, detect_format
from .model import (
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    RowError,
    Skipped,
    Source,
)

PARSERS = {
    "xlsx": excel.parse,
    "moodle": moodle_xml.parse,
    "gift": gift.parse,
    "aiken": aiken.parse,
}


class UnknownFormat(ValueError):
    """The format was neither given nor recognisable from the file."""


def parse_file(data: bytes | Path, filename: str | None = None, fmt: str | None = None):
    """Parse `data` (bytes or a path) as `fmt`, or as the format `detect_format` guesses."""
    if isinstance(data, Path):
        filename, data = filename or data.name, data.read_bytes()
    fmt = fmt or detect_format(data[:8192], filename)
    if fmt not in PARSERS:
        raise UnknownFormat(fmt)
    return PARSERS[fmt](data, filename)


__all__ = [
    "FORMATS",
    "PARSERS",
    "ParseResult",
    "ParsedOption",
    "ParsedQuestion",
    "RowError",
    "Skipped",
    "Source",
    "UnknownFormat",
    "detect_format",
    "parse_file",
]
