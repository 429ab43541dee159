"""A contest's results as files: the winners' list (.xlsx) and honour certificates (荣誉证书).

Both are Chinese whatever the language of the organiser who asks (they are printed, framed
and filed), made through the product's low-level helpers: documents.xlsx (every text a
text cell, never a formula) and documents.fonts (the embedded CJK TrueType font). The
certificate is drawn on a canvas with ``drawString``, which is not markup, so a name such as
``<b>`` prints as written; no QR: an honour certificate certifies nothing a verifier checks.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from contests.models import Contest
from contests.selectors import PersonRow
from documents import xlsx
from documents.fonts import register_cjk_font

DOCUMENT_LANGUAGE = "zh-hans"
ACCENT = (0.62, 0.09, 0.09)
GOLD = (0.72, 0.55, 0.16)


def _points(score) -> str:
    """180.00 as 180, 92.50 as 92.5: as a certificate writes a score."""
    text = f"{score:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def winners_xlsx(contest: Contest, rows: list[PersonRow]) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        book = xlsx.workbook()
        sheet = xlsx.add_sheet(book, _("Winners"), widths=(8, 14, 32, 20, 10, 12, 10), freeze="A3")
        xlsx.append(sheet, [contest.name, "", "", "", "", "", ""], font=xlsx.BOLD)
        xlsx.append(
            sheet,
            [
                _("Rank"),
                _("Name"),
                _("Enterprise"),
                _("Department"),
                _("Score"),
                _("Time taken"),
                _("Rounds"),
            ],
            font=xlsx.BOLD,
        )
        for row in rows:
            xlsx.append(
                sheet,
                [
                    row.rank,
                    row.name,
                    row.enterprise,
                    row.department,
                    float(row.score),
                    _minutes(row.seconds),
                    row.rounds,
                ],
            )
        return xlsx.to_bytes(book)


def _centred(canvas: Canvas, font: str, size: float, text: str, y: float, width: float) -> None:
    canvas.setFont(font, size)
    canvas.drawString((width - stringWidth(text, font, size)) / 2, y, text)


def _wrapped(canvas: Canvas, font: str, size: float, text: str, x: float, y: float, span: float):
    """Draw ``text`` from (x, y) in lines no wider than ``span`` (Chinese wraps anywhere)."""
    canvas.setFont(font, size)
    line = ""
    for char in text:
        if stringWidth(line + char, font, size) > span:
            canvas.drawString(x, y, line)
            y -= size * 1.7
            line = ""
        line += char
    if line:
        canvas.drawString(x, y, line)
    return y


def honour_certificates_pdf(contest: Contest, rows: list[PersonRow]) -> bytes:
    """One landscape A4 page per winner."""
    font = register_cjk_font().name
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    with translation.override(DOCUMENT_LANGUAGE):
        canvas.setTitle(_("Honour certificates") + " · " + contest.name)
        issued = timezone.localdate().strftime("%Y年%m月%d日")
        for row in rows:
            canvas.setStrokeColorRGB(*GOLD)
            canvas.setLineWidth(4)
            canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
            canvas.setLineWidth(1)
            canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
            canvas.setFillColorRGB(*ACCENT)
            _centred(canvas, font, 44, _("Honour certificate"), height - 55 * mm, width)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.setFont(font, 22)
            canvas.drawString(40 * mm, height - 85 * mm, _("%(name)s:") % {"name": row.name})
            text = _(
                "In %(contest)s, you won place %(rank)d with %(score)s points. This "
                "certificate is awarded in recognition."
            ) % {"contest": contest.name, "rank": row.rank, "score": _points(row.score)}
            _wrapped(canvas, font, 18, "　　" + text, 40 * mm, height - 105 * mm, width - 80 * mm)
            canvas.setFont(font, 14)
            canvas.drawString(40 * mm, 52 * mm, row.enterprise)
            right = width - 40 * mm
            organiser = contest.organiser_label
            canvas.setFont(font, 16)
            canvas.drawString(right - stringWidth(organiser, font, 16), 52 * mm, organiser)
            canvas.drawString(right - stringWidth(issued, font, 16), 40 * mm, issued)
            canvas.showPage()
        if not rows:
            _centred(canvas, font, 18, _("No winners yet."), height / 2, width)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
