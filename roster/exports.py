"""The roster as an .xlsx in the same template the import reads, so an export re-imports.

ID numbers and phones are written as text cells (number format "@"): as numbers, Excel would
show 1.40402E+17 and keep only 15 digits the moment someone edits and saves the file. Every
cell goes through documents.xlsx, so a name that starts with "=" stays text.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from documents import xlsx
from roster.identity import mask_id_number, mask_phone
from roster.imports import vocabulary as v
from roster.models import Employment

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
_FORMATS = {v.ID_NUMBER: xlsx.TEXT, v.PHONE: xlsx.TEXT, v.USCC: xlsx.TEXT, v.HIRE_DATE: xlsx.DATE}


def roster_workbook(
    employments: Iterable[Employment], *, unmasked_enterprises: Container[int] | None
) -> tuple[bytes, int]:
    """The .xlsx bytes and the number of people in it.

    `employments` should come with person, enterprise and department selected. People of
    enterprises in `unmasked_enterprises` (everyone, when None) get full ID numbers and phones.
    """
    book = xlsx.workbook()
    keys = list(v.TEMPLATE_HEADERS)
    sheet = xlsx.add_sheet(book, "花名册", widths=[_WIDTHS[k] for k in keys], freeze="A2")
    formats = [_FORMATS.get(k) for k in keys]
    xlsx.append(sheet, [v.TEMPLATE_HEADERS[k] for k in keys], font=xlsx.BOLD)
    count = 0
    for employment in employments:
        unmasked = unmasked_enterprises is None or employment.enterprise_id in unmasked_enterprises
        values = _values(employment, unmasked=unmasked)
        xlsx.append(sheet, [values[k] for k in keys], formats=formats)
        count += 1
    return xlsx.to_bytes(book), count


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


# The activation codes' workbook: what the printed slips say, one row a person. The only
# file the codes are ever written to in clear (roster.services.activation).
_ACTIVATION_COLUMNS = (
    ("姓名", 12),
    ("单位", 28),
    ("身份证号", 22),
    ("手机号", 15),
    ("登录名", 24),
    ("激活码", 14),
    ("有效期至", 18),
)


def activation_codes_workbook(issued: Iterable) -> bytes:
    """The .xlsx of just-issued codes (roster.services.activation.IssuedCode)."""
    from django.utils import timezone

    book = xlsx.workbook()
    sheet = xlsx.add_sheet(
        book, "激活码", widths=[width for _header, width in _ACTIVATION_COLUMNS], freeze="A2"
    )
    xlsx.append(sheet, [header for header, _width in _ACTIVATION_COLUMNS], font=xlsx.BOLD)
    formats = [xlsx.TEXT] * len(_ACTIVATION_COLUMNS)
    for code in issued:
        expires = timezone.localtime(code.expires_at).strftime("%Y-%m-%d %H:%M")
        values = [
            code.person.name,
            code.enterprise_name,
            code.id_masked,
            code.phone_masked,
            "本人身份证号或手机号",
            code.code,
            expires,
        ]
        xlsx.append(sheet, values, formats=formats)
    return xlsx.to_bytes(book)


def enterprise_workbook(enterprises: Iterable) -> tuple[bytes, int]:
    """The enterprise directory in its import template (roster.imports.directory), so an
    export re-imports; codes as text cells."""
    from roster.imports import directory as d

    keys = list(d.ENTERPRISE_TEMPLATE)
    book = xlsx.workbook()
    widths = {d.NAME: 30, d.USCC: 22, d.REGION: 14, d.INDUSTRY: 14, d.ADDRESS: 36}
    sheet = xlsx.add_sheet(book, "企业名录", widths=[widths.get(k, 14) for k in keys], freeze="A2")
    xlsx.append(sheet, [d.ENTERPRISE_TEMPLATE[k] for k in keys], font=xlsx.BOLD)
    formats = [xlsx.TEXT] * len(keys)
    count = 0
    for enterprise in enterprises:
        values = {
            d.NAME: enterprise.name,
            d.USCC: enterprise.uscc,
            d.REGION: enterprise.region.code,
            d.INDUSTRY: enterprise.industry.name,
            d.ADDRESS: enterprise.address,
            d.LEGAL_REP: enterprise.legal_representative,
            d.PHONE: enterprise.contact_phone,
        }
        xlsx.append(sheet, [values[k] for k in keys], formats=formats)
        count += 1
    return xlsx.to_bytes(book), count


def region_workbook(regions: Iterable) -> tuple[bytes, int]:
    """The region list in its import template: 代码, 名称, 上级代码."""
    from roster.imports import directory as d

    keys = list(d.REGION_TEMPLATE)
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, "行政区划", widths=[14, 24, 14], freeze="A2")
    xlsx.append(sheet, [d.REGION_TEMPLATE[k] for k in keys], font=xlsx.BOLD)
    count = 0
    for region in regions:
        parent = region.parent.code if region.parent_id else ""
        xlsx.append(sheet, [region.code, region.name, parent], formats=[xlsx.TEXT] * 3)
        count += 1
    return xlsx.to_bytes(book), count
