"""Roster spreadsheets built in the test, so no binary fixture is ever committed."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "统一社会信用代码",
    "部门",
    "岗位/工种",
    "人员类别",
    "用工形式",
    "入职日期",
]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An .xlsx whose first sheet holds `rows` from A1 (cells keep their Python types)."""
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "roster.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return path


def roster_row(id_number: str, uscc: str, **overrides: object) -> list[object]:
    """One row under HEADERS: a valid 特种作业人员 unless a header is overridden."""
    values = {
        "姓名": "王小明",
        "身份证号": id_number,
        "手机号": "13800138000",
        "统一社会信用代码": uscc,
        "部门": "机修车间",
        "岗位/工种": "低压电工作业",
        "人员类别": "特种作业人员",
        "用工形式": "正式",
        "入职日期": "2023-05-06",
        **overrides,
    }
    return [values[h] for h in HEADERS]
