"""准考证: a session's admission tickets as a printable PDF (one ticket per candidate, with
seat, access code, window and place) and the same list as a workbook.

Chinese whatever the reader's language, like the other filed documents (courses.training_file):
they are printed and handed out. Every text someone typed (names, the session's name, the
access code) reaches reportlab through documents.pdf.para (escaped) and the workbook through
documents.xlsx (never a formula). ID numbers are masked: the ticket is checked against the
identity card at the door, which shows the full number.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from documents import xlsx
from documents.pdf import a4_document, cjk_font, para, styles
from question_banks.models import ExamSession

DOCUMENT_LANGUAGE = "zh-hans"


def _window(session: ExamSession) -> str:
    opens = timezone.localtime(session.opens_at)
    closes = timezone.localtime(session.closes_at)
    return f"{opens:%Y-%m-%d %H:%M} – {closes:%Y-%m-%d %H:%M}"


def _place(session: ExamSession) -> str:
    return session.region.name if session.region_id else ""


def admission_pdf(session: ExamSession, rows: list[dict]) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        return _pdf(session, rows)


def _pdf(session: ExamSession, rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    font = cjk_font()
    st = styles(font)
    doc = a4_document(buffer, title=f"{_('Admission tickets')} {session.code}")
    story: list = [
        para(f"{session.name} · {_('Admission tickets')}", st.title),
        para(f"{_('Exam window')}: {_window(session)}", st.cell),
        Spacer(1, 4 * mm),
    ]
    width = (doc.width - 6 * mm) / 2
    tickets = [_ticket(session, row, st, width) for row in rows]
    if not tickets:
        story.append(para(_("Nobody on the list."), st.cell))
    pairs = [tickets[i : i + 2] for i in range(0, len(tickets), 2)]
    for pair in pairs:
        if len(pair) == 1:
            pair.append("")
        grid = Table([pair], colWidths=[width + 3 * mm, width + 3 * mm])
        grid.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        story.append(KeepTogether([grid, Spacer(1, 4 * mm)]))
    doc.build(story)
    return buffer.getvalue()


def _ticket(session: ExamSession, row: dict, st, width: float) -> Table:
    candidate, person = row["candidate"], row["person"]
    heading = para(_("Admission ticket"), st.heading)
    lines = [
        (_("Exam session"), session.name),
        (_("Name"), person.name),
        (_("ID number"), person.id_number_masked),
        (_("Enterprise"), row["enterprise"] or "—"),
        (_("Seat"), str(candidate.seat) if candidate.seat else "—"),
        (_("Exam window"), _window(session)),
        (_("Held in"), _place(session) or "—"),
        (_("Access code"), session.access_code or _("none")),
        (_("Session code"), session.code),
    ]
    data = [[heading, ""]] + [[para(k, st.small), para(v, st.cell)] for k, v in lines]
    table = Table(data, colWidths=[22 * mm, width - 22 * mm])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 1), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
            ]
        )
    )
    return table


def admission_xlsx(session: ExamSession, rows: list[dict]) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        book = xlsx.workbook()
        sheet = xlsx.add_sheet(book, _("Admission tickets"), widths=(8, 12, 22, 28, 14, 24))
        xlsx.append(sheet, [f"{session.name} · {_('Admission tickets')}"], font=xlsx.BOLD)
        xlsx.append(sheet, [f"{_('Exam window')}: {_window(session)}"])
        xlsx.append(
            sheet,
            [_("Seat"), _("Name"), _("ID number"), _("Enterprise"), _("Access code"), _("Held in")],
            font=xlsx.BOLD,
        )
        for row in rows:
            xlsx.append(
                sheet,
                [
                    row["candidate"].seat,
                    row["person"].name,
                    row["person"].id_number_masked,
                    row["enterprise"],
                    session.access_code,
                    _place(session),
                ],
            )
        return xlsx.to_bytes(book)
