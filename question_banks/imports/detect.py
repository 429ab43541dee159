"""Guess a question file's format from its content, falling back to its name.

Content wins because training bodies name files anything ("题库.txt" may be GIFT or Aiken):
an .xlsx is a zip package, Moodle XML has a ``<quiz`` root, Aiken has ``ANSWER:`` lines after
lettered options, GIFT has ``::title::`` or ``{...}`` answer blocks.
"""

from __future__ import annotations

import re
from pathlib import PurePath

FORMATS = ("xlsx", "moodle", "gift", "aiken")
_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xml": "moodle", ".gift": "gift"}
_AIKEN_ANSWER = re.compile(r"^\s*(ANSWER|答案)\s*[:：]\s*[A-Za-z]", re.MULTILINE)
_AIKEN_OPTION = re.compile(r"^\s*[A-Z]\s*[).、]", re.MULTILINE)
_GIFT_BLOCK = re.compile(r"\{[^{}]*\}", re.DOTALL)


def detect_format(head: bytes, filename: str | None = None) -> str | None:
    """ "xlsx", "moodle", "gift", "aiken", or None; `head` is the file's first few KB."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if re.search(r"<quiz[\s>]", text):
        return "moodle"
    has_gift = "::" in text or bool(_GIFT_BLOCK.search(text))
    if _AIKEN_ANSWER.search(text) and _AIKEN_OPTION.search(text) and not has_gift:
        return "aiken"
    if has_gift or "$CATEGORY:" in text:
        return "gift"
    if filename:
        name = PurePath(filename).name.lower()
        for suffix, fmt in _EXTENSIONS.items():
            if name.endswith(suffix):
                return fmt
        if "aiken" in name:
            return "aiken"
        if "gift" in name:
            return "gift"
    return None
