"""Question text reduced to its words. Below both model.py and dedupe.py: the duplicate check
compares plain stems and the model calls the duplicate check, so the helper they share lives
here rather than in either of them."""

from __future__ import annotations

import html
import re

_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(text: str) -> str:
    """HTML reduced to its words, for names, duplicate checks and the 以上都对 rule."""
    return html.unescape(_TAG_RE.sub(" ", text or "")).replace("\xa0", " ").strip()
