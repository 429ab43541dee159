"""Session results as a spreadsheet for the training body's records."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

STATES = {
    "passed": _("Passed"),
    "failed": _("Failed"),
    "absent": _("Absent"),
    "in_progress": _("In progress"),
    "not_started": _("Not started"),
}


def results_xlsx(session, rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Results")[:31]
    ws.append([session.name])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"{session.opens_at:%Y-%m-%d %H:%M} – {session.closes_at:%Y-%m-%d %H:%M}"])
    header = [
        _("Name"),
        _("ID number"),
        _("Enterprise"),
        _("Attempts"),
        _("Score"),
        _("Result"),
        _("Minutes used"),
    ]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(
            [
                row["person"].name,
                row["person"].id_number_masked,
                row["enterprise"],
                row["attempts"],
                float(row["score"]) if row["score"] is not None else None,
                str(STATES[row["state"]]),
                round(row["seconds_used"] / 60, 1) if row["seconds_used"] is not None else None,
            ]
        )
    for column, width in zip("ABCDEFG", (12, 22, 28, 8, 8, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
