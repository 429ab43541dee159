"""How a question written in the site's form becomes the stored rich text, and back.

Trainers type plain text and attach images; the bank stores HTML (richtext.py cleans it
before anyone sees it, imports store the same). A text becomes paragraphs of escaped text
with the images after it. Going back, an imported HTML text is shown as its plain text and
its images; when neither changed, the stored HTML is kept as it was, so opening and saving
an imported question makes no new version.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from question_banks.richtext import clean_html

_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"[^>]*>", re.IGNORECASE)
_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>|</li>|</tr>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class RichText:
    """A text as the form shows it: what was typed and the images attached to it."""

    text: str = ""
    images: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.images


def to_form(stored: str) -> RichText:
    """The plain text and image URLs of a stored (cleaned) HTML text."""
    cleaned = clean_html(stored or "")
    images = [html.unescape(src) for src in _IMG.findall(cleaned)]
    text = html.unescape(_TAG.sub("", _BREAKS.sub("\n", cleaned)))
    lines = [line.strip() for line in text.splitlines()]
    return RichText("\n".join(line for line in lines if line), images)


def to_html(rich: RichText) -> str:
    """Typed text as paragraphs (a line break is a new paragraph), then the images. One line
    without images stays bare text: the exam page shows an option or a case's part inline,
    beside its letter or number, where a paragraph would push it onto a line of its own."""
    lines = [line.strip() for line in rich.text.splitlines() if line.strip()]
    if len(lines) == 1 and not rich.images:
        return html.escape(lines[0])
    paragraphs = "".join(
        f"<p>{html.escape(line.strip())}</p>" for line in rich.text.splitlines() if line.strip()
    )
    images = "".join(f'<img src="{html.escape(src)}" alt="">' for src in rich.images)
    return paragraphs + images


def merge(stored: str, typed: RichText) -> str:
    """The HTML to store: the old one when the typed text and images are what it shows."""
    if stored and to_form(stored) == typed:
        return stored
    return to_html(typed)
