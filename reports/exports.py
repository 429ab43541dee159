"""Tables as files: .xlsx with a header block (what, scope, date, definitions) above the
table, and .csv with the table alone for scripts. pandas shapes the frame; documents.xlsx and
documents.csvfile write it, so a region or enterprise name is never a live formula.

Columns (CONTRACT.md `certification_report`): code, name, required, holding, rate (the
certification rate, 4 decimals), then every other count and rate of definitions.py."""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from documents import xlsx_stream
from documents.csvfile import csv_bytes

from .definitions import COUNTS, DATE_RULE, HIRED_RULE, RATES, WHO_COUNTS
from .selectors import ReportParams, Table
from .targets import below_target, targets_for

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
    "dispatch_forbidden",
]
COLUMNS = LEAD + OTHER
GROUP_TITLES = {
    "region": gettext_lazy("By region"),
    "industry": gettext_lazy("By industry"),
    "enterprise": gettext_lazy("By enterprise"),
    "category": gettext_lazy("By personnel category"),
    "form": gettext_lazy("By employment form"),
    "hired": gettext_lazy("Hired this year"),
}


def column_labels() -> dict[str, str]:
    labels = {"code": _("Code"), "name": pgettext("group", "Name"), "rate": str(RATES[0].label)}
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


def _records(frame: pd.DataFrame) -> list[list[object]]:
    """The frame's rows as Python values; pandas' missing values become None."""
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def table_csv(table: Table) -> bytes:
    # UTF-8 with a byte-order mark: Excel on a Chinese Windows then opens it correctly;
    # pandas and Python's csv (encoding="utf-8-sig") read it as plain UTF-8.
    return csv_bytes(COLUMNS, _records(table_frame(table)), float_format="%.4f")


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


def target_lines(params: ReportParams, total: dict) -> list[list[str]]:
    """Each rate's target for the report's region and whether the total falls below it."""
    targets = targets_for(params.region)
    below = below_target(total, targets)
    rates = {r.code: r for r in RATES}
    return [
        [
            _("Target: %(figure)s") % {"figure": rates[code].label},
            f"{target.percent}%",
            "—"
            if total.get(code) is None
            else (_("Below target") if code in below else _("Target met")),
        ]
        for code, target in targets.items()
        if code in rates
    ]


def table_records(table: Table) -> list[list[object]]:
    """The table's rows in COLUMNS order as Python values, without pandas (a province has
    50,000 enterprise rows): counts are ints and rates already rounded to 4 decimals
    (definitions.with_rates), None where a rate has no denominator."""
    keys = ["certification_rate" if column == "rate" else column for column in COLUMNS[2:]]
    return [[row.code, row.name, *map(row.values.get, keys)] for row in table.rows]


def table_xlsx(table: Table, params: ReportParams) -> bytes:
    """The table under its header block, streamed (documents.xlsx_stream): a province's
    table by enterprise is a million cells."""
    title = _("Work-safety training and certification report: %(what)s") % {
        "what": GROUP_TITLES.get(table.by, table.by)
    }
    labels = column_labels()
    styles = [xlsx_stream.STYLES["percent" if c.endswith("rate") else None] for c in COLUMNS]
    bold = [xlsx_stream.STYLES["bold_percent" if c.endswith("rate") else "bold"] for c in COLUMNS]
    widths = [34 if column == "name" else 14 for column in COLUMNS]
    block = header_block(params, title) + target_lines(params, table.total)
    if table.by == "hired":
        block.append([str(HIRED_RULE)])
    # A blank row, the Chinese labels, then the column codes; the table below them.
    start = len(block) + 2
    sheet = xlsx_stream.SheetStream("report", widths=widths, freeze=(2, start + 1))
    for number, line in enumerate(block, start=1):
        sheet.append(line, style="title" if number == 1 else None)
    sheet.append([])
    sheet.append([labels.get(column, column) for column in COLUMNS], style="header")
    sheet.append(COLUMNS)
    for record in table_records(table):
        sheet.append_numbers(record, styles=styles)
    total = dict(table.total, rate=table.total.get("certification_rate"))
    sheet.append_numbers(
        [None, _("Total"), *(total.get(column) for column in COLUMNS[2:])], styles=bold
    )
    return sheet.to_bytes()
