"""Tables as files: .xlsx with a header block (what, scope, date, definitions) above the
table, and .csv with the table alone for scripts. pandas shapes the frame; openpyxl writes.

Columns (CONTRACT.md `certification_report`): code, name, required, holding, rate (the
certification rate, 4 decimals), then every other count and rate of definitions.py."""

from __future__ import annotations

import io

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .definitions import COUNTS, DATE_RULE, RATES, WHO_COUNTS
from .selectors import ReportParams, Table

LEAD = ["code", "name", "required", "holding", "rate"]
OTHER = [
    "people",
    "must_train",
    "trained",
    "participation_rate",
    "hours_ok",
    "hours_rate",
    "exams_sat",
    "exams_first_pass",
    "first_pass_rate",
    "exams_passed",
    "final_pass_rate",
    "expiring_30",
    "expiring_90",
    "review_overdue",
    "violations_open",
]
COLUMNS = LEAD + OTHER
GROUP_TITLES = {
    "region": gettext_lazy("By region"),
    "industry": gettext_lazy("By industry"),
    "enterprise": gettext_lazy("By enterprise"),
    "category": gettext_lazy("By personnel category"),
}


def column_labels() -> dict[str, str]:
    labels = {"code": _("Code"), "name": _("Name"), "rate": str(RATES[0].label)}
    labels.update({c.code: str(c.label) for c in COUNTS})
    labels.update({r.code: str(r.label) for r in RATES})
    return labels


def table_frame(table: Table) -> pd.DataFrame:
    records = []
    for row in table.rows:
        values = dict(row.values)
        values["rate"] = values.get("certification_rate")
        records.append({"code": row.code, "name": row.name, **values})
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for column in COLUMNS[2:]:
        if column.endswith("rate"):
            frame[column] = frame[column].astype("Float64").round(4)
        else:
            frame[column] = frame[column].astype("Int64")
    return frame


def table_csv(table: Table) -> bytes:
    # UTF-8 with a byte-order mark: Excel on a Chinese Windows then opens it correctly;
    # pandas and Python's csv (encoding="utf-8-sig") read it as plain UTF-8.
    return table_frame(table).to_csv(index=False, float_format="%.4f").encode("utf-8-sig")


def header_block(params: ReportParams, title: str) -> list[list[str]]:
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines = [[title], [_("Generated"), now]]
    lines += [[label, value] for label, value in params.describe()]
    lines.append([str(WHO_COUNTS)])
    lines.append([str(DATE_RULE)])
    for rate in RATES:
        lines.append([str(rate.label), str(rate.definition)])
    for count in COUNTS:
        lines.append([str(count.label), str(count.definition)])
    return lines


def table_xlsx(table: Table, params: ReportParams) -> bytes:
    title = _("Work-safety training and certification report: %(what)s") % {
        "what": GROUP_TITLES.get(table.by, table.by)
    }
    block = header_block(params, title)
    frame = table_frame(table)
    labels = column_labels()
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        start = len(block) + 2  # a blank row, the Chinese labels, then the column codes
        frame.to_excel(writer, sheet_name="report", index=False, startrow=start)
        sheet = writer.sheets["report"]
        for r, line in enumerate(block, start=1):
            for c, value in enumerate(line, start=1):
                sheet.cell(row=r, column=c, value=value)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        for c, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=start, column=c, value=labels.get(column, column))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            letter = get_column_letter(c)
            sheet.column_dimensions[letter].width = 34 if column == "name" else 14
            if column.endswith("rate"):
                for row in range(start + 2, start + 2 + len(frame)):
                    sheet[f"{letter}{row}"].number_format = "0.00%"
        total_row = start + 2 + len(frame)
        sheet.cell(row=total_row, column=2, value=_("Total")).font = Font(bold=True)
        total = dict(table.total, rate=table.total.get("certification_rate"))
        for c, column in enumerate(COLUMNS[2:], start=3):
            cell = sheet.cell(row=total_row, column=c, value=total.get(column))
            cell.font = Font(bold=True)
            if column.endswith("rate"):
                cell.number_format = "0.00%"
        sheet.freeze_panes = sheet.cell(row=start + 2, column=3)
    return out.getvalue()
