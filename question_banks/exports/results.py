"""Session results as a spreadsheet for the training body's records.

Every cell goes through documents.xlsx: a name typed as "=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from documents import xlsx

STATES = {
    "passed": _("Passed"),
    "failed": _("Failed"),
    "absent": _("Absent"),
    "in_progress": _("In progress"),
    "not_started": _("Not started"),
}


def results_xlsx(session, rows: list[dict]) -> bytes:
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, _("Results"), widths=(12, 22, 28, 8, 8, 10, 10))
    xlsx.append(sheet, [session.name], font=Font(bold=True, size=13))
    xlsx.append(sheet, [f"{session.opens_at:%Y-%m-%d %H:%M} – {session.closes_at:%Y-%m-%d %H:%M}"])
    header = [
        _("Name"),
        _("ID number"),
        _("Enterprise"),
        _("Attempts"),
        _("Score"),
        _("Result"),
        _("Minutes used"),
    ]
    xlsx.append(sheet, header, font=xlsx.BOLD)
    for row in rows:
        xlsx.append(
            sheet,
            [
                row["person"].name,
                row["person"].id_number_masked,
                row["enterprise"],
                row["attempts"],
                float(row["score"]) if row["score"] is not None else None,
                str(STATES[row["state"]]),
                round(row["seconds_used"] / 60, 1) if row["seconds_used"] is not None else None,
            ],
        )
    return xlsx.to_bytes(book)
