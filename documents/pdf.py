"""What every PDF of the product shares: the embedded Chinese font, the A4 page set-up, the
paragraph styles, and escaping of every text that reaches reportlab's markup.

reportlab's ``Paragraph`` reads its text as markup: ``<img src="/any/local/file"/>`` embeds
that file, ``<font>`` and ``<a>`` change what is drawn, and a stray ``<`` or ``&`` makes the
build fail. Names, titles and every other text people typed are therefore always handed to
:func:`para`, which escapes them (``xml.sax.saxutils.escape``: ``&``, ``<``, ``>``); no
module builds a ``Paragraph`` from such text itself. Canvas drawing (``drawString``) and
table cells given as plain strings are not markup and need nothing.

As a second wall, reportlab may fetch nothing by URL: its trusted schemes and hosts are
emptied when this module is imported and whenever a PDF registers its font
(:func:`documents.fonts.restrict_reportlab`; ``file:``, ``data:``, ``http(s):`` and ``ftp:``
would otherwise be allowed for images). A plain file path in an ``<img>`` tag is opened by
reportlab without that check, which is why escaping is the fix and this only the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from .fonts import register_cjk_font, restrict_reportlab

restrict_reportlab()

PAGE_MARGIN = 15 * mm


def escape(text: object) -> str:
    """``text`` as reportlab markup that shows exactly these characters."""
    return _xml_escape(str(text))


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph that shows ``text`` literally, whoever wrote it."""
    return Paragraph(escape(text), style)


def cjk_font() -> str:
    """The name of the registered (embedded) Chinese font."""
    return register_cjk_font().name


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the product's A4 documents, in the Chinese font."""

    title: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle


def styles(font: str) -> Styles:
    return Styles(
        title=ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        heading=ParagraphStyle(
            "heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4
        ),
        cell=ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11),
        small=ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.grey),
    )


def a4_document(buffer: IO[bytes], *, title: str) -> SimpleDocTemplate:
    """An A4 document with the product's margins. ``invariant``: the same content gives the
    same bytes (no creation time or random id), so a document can be compared and cached."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=title,
        invariant=True,
    )
