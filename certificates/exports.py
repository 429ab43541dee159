"""The holders' roster as .xlsx: certificates, 持证上岗 gaps and what falls due soon.

The certificate sheet uses the headers of the certificate import template (CONTRACT.md), plus
the holder's enterprise and the state. ID numbers (and numbers made from them) are text cells,
full only for the enterprises the exporting user administers (everyone for the system admin).
Every cell goes through documents.xlsx (text is never a formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable

from documents import xlsx
from roster.identity import mask_id_number

from .models import Certificate
from .selectors import ITEM_UNKNOWN, Gap, number_masked

# (header, width, is text, is date)
_CERTIFICATE_COLUMNS = [
    ("姓名", 12, False, False),
    ("身份证号", 22, True, False),
    ("企业名称", 28, False, False),
    ("证书类型", 36, False, False),
    ("作业类别", 16, False, False),
    ("操作项目", 20, False, False),
    ("证书编号", 24, True, False),
    ("初领日期", 12, False, True),
    ("有效期至", 12, False, True),
    ("下次复审日期", 14, False, True),
    ("发证机关", 24, False, False),
    ("状态", 10, False, False),
]
_GAP_COLUMNS = [
    ("姓名", 12, False, False),
    ("身份证号", 22, True, False),
    ("企业名称", 28, False, False),
    ("岗位/工种", 16, False, False),
    ("人员类别", 20, False, False),
    ("所需证书", 36, False, False),
    ("原证书编号", 24, True, False),
    ("原证书状态", 12, False, False),
]
_DUE_COLUMNS = [
    ("姓名", 12, False, False),
    ("身份证号", 22, True, False),
    ("企业名称", 28, False, False),
    ("证书类型", 36, False, False),
    ("证书编号", 24, True, False),
    ("有效期至", 12, False, True),
    ("下次复审日期", 14, False, True),
    ("状态", 10, False, False),
]


def holders_workbook(
    *,
    certificates: Iterable[Certificate],
    gaps: Iterable[Gap],
    due: Iterable[Certificate],
    unmasked_enterprises: Container[int] | None,
    on: dt.date,
) -> tuple[bytes, int]:
    """The .xlsx bytes and the number of certificates in the first sheet.

    Certificates should carry `current_enterprise_id` / `current_enterprise_name` (as
    certificate_list annotates them)."""
    workbook = xlsx.workbook()

    def unmasked(enterprise_id: int | None) -> bool:
        return unmasked_enterprises is None or enterprise_id in unmasked_enterprises

    sheet = _sheet(workbook, "持证人员", _CERTIFICATE_COLUMNS)
    count = 0
    for c in certificates:
        full = unmasked(c.current_enterprise_id)
        ctype = c.certificate_type
        _row(
            sheet,
            _CERTIFICATE_COLUMNS,
            [
                c.person.name,
                c.person.id_number if full else mask_id_number(c.person.id_number),
                c.current_enterprise_name or "",
                ctype.name,
                ctype.operation_category,
                ctype.operation_item,
                c.number if full else number_masked(c),
                c.first_issued_on,
                c.valid_until,
                c.next_review_on,
                c.issuer_name,
                str(c.get_state_display(on)),
            ],
        )
        count += 1

    sheet = _sheet(workbook, "缺证人员", _GAP_COLUMNS)
    for gap in gaps:
        full = unmasked(gap.employment.enterprise_id)
        lapsed = gap.lapsed
        _row(
            sheet,
            _GAP_COLUMNS,
            [
                gap.person.name,
                gap.person.id_number if full else mask_id_number(gap.person.id_number),
                gap.employment.enterprise.name,
                gap.employment.post,
                gap.employment.get_category_display(),
                gap.certificate_type.name if gap.certificate_type else str(ITEM_UNKNOWN),
                (lapsed.number if full else number_masked(lapsed)) if lapsed else "",
                str(lapsed.get_state_display(on)) if lapsed else "",
            ],
        )

    sheet = _sheet(workbook, "即将到期或待复审", _DUE_COLUMNS)
    for c in due:
        full = unmasked(c.current_enterprise_id)
        _row(
            sheet,
            _DUE_COLUMNS,
            [
                c.person.name,
                c.person.id_number if full else mask_id_number(c.person.id_number),
                c.current_enterprise_name or "",
                c.certificate_type.name,
                c.number if full else number_masked(c),
                c.valid_until,
                c.next_review_on,
                str(c.get_state_display(on)),
            ],
        )

    return xlsx.to_bytes(workbook), count


def _sheet(workbook, title: str, columns: list[tuple[str, int, bool, bool]]):
    widths = [width for _name, width, _text, _date in columns]
    sheet = xlsx.add_sheet(workbook, title, widths=widths, freeze="A2")
    xlsx.append(sheet, [name for name, *_rest in columns], font=xlsx.BOLD)
    return sheet


def _row(sheet, columns: list[tuple[str, int, bool, bool]], values: list[object]) -> None:
    formats = [
        xlsx.TEXT if text else xlsx.DATE if date else None for _name, _width, text, date in columns
    ]
    xlsx.append(sheet, values, formats=formats)
