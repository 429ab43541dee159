"""The roster as an .xlsx in the same template the import reads, so an export re-imports.

ID numbers and phones are written as text cells (number format "@"): as numbers, Excel would
show 1.40402E+17 and keep only 15 digits the moment someone edits and saves the file.
"""

from __future__ import annotations

import io
from collections.abc import Container, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from roster.identity import mask_id_number, mask_phone
from roster.importers import vocabulary as v
from roster.models import Employment

_TEXT = "@"
_DATE = "yyyy-mm-dd"
_WIDTHS = {
    v.NAME: 12,
    v.ID_NUMBER: 22,
    v.PHONE: 15,
    v.ENTERPRISE_NAME: 28,
    v.USCC: 22,
    v.DEPARTMENT: 14,
    v.POST: 16,
    v.CATEGORY: 24,
    v.EMPLOYMENT_FORM: 10,
    v.HIRE_DATE: 12,
}


def roster_workbook(
    employments: Iterable[Employment], *, unmasked_enterprises: Container[int] | None
) -> tuple[bytes, int]:
    """The .xlsx bytes and the number of people in it.

    `employments` should come with person, enterprise and department selected. People of
    enterprises in `unmasked_enterprises` (everyone, when None) get full ID numbers and phones.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="花名册")
    keys = list(v.TEMPLATE_HEADERS)
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[key]
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    sheet.append([_cell(sheet, v.TEMPLATE_HEADERS[k], font=bold) for k in keys])
    count = 0
    for employment in employments:
        unmasked = unmasked_enterprises is None or employment.enterprise_id in unmasked_enterprises
        values = _values(employment, unmasked=unmasked)
        sheet.append([_cell(sheet, values[k], key=k) for k in keys])
        count += 1

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _values(employment: Employment, *, unmasked: bool) -> dict[str, object]:
    person = employment.person
    return {
        v.NAME: person.name,
        v.ID_NUMBER: person.id_number if unmasked else mask_id_number(person.id_number),
        v.PHONE: person.phone if unmasked else mask_phone(person.phone),
        v.ENTERPRISE_NAME: employment.enterprise.name,
        v.USCC: employment.enterprise.uscc,
        v.DEPARTMENT: employment.department.name if employment.department_id else "",
        v.POST: employment.post,
        v.CATEGORY: v.CATEGORY_TEMPLATE_VALUES.get(employment.category, employment.category),
        v.EMPLOYMENT_FORM: v.FORM_TEMPLATE_VALUES.get(
            employment.employment_form, employment.employment_form
        ),
        v.HIRE_DATE: employment.hire_date,
    }


def _cell(sheet, value: object, *, key: str = "", font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would write it as a formula; it is text someone typed
    if font is not None:
        cell.font = font
    if key in (v.ID_NUMBER, v.PHONE, v.USCC):
        cell.number_format = _TEXT
    elif key == v.HIRE_DATE:
        cell.number_format = _DATE
    return cell
