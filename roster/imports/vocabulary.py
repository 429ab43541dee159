"""The roster template of CONTRACT.md: its Chinese headers and values, and what else people write.

The Chinese words here are the file format, not interface text: they are the same in every
UI language, so they are not marked for translation. The export writes the first spelling of
each; the import also accepts the synonyms.
"""

from __future__ import annotations

import re

from documents.tables import header_key
from roster.choices import EmploymentForm, PersonnelCategory

NAME = "name"
ID_NUMBER = "id_number"
PHONE = "phone"
ENTERPRISE_NAME = "enterprise_name"
USCC = "uscc"
DEPARTMENT = "department"
POST = "post"
CATEGORY = "category"
EMPLOYMENT_FORM = "employment_form"
HIRE_DATE = "hire_date"

# Template order; the first spelling is the template's header, the rest are synonyms.
_HEADERS: dict[str, tuple[str, ...]] = {
    NAME: ("姓名", "名字", "员工姓名", "人员姓名"),
    ID_NUMBER: ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
    PHONE: ("手机号", "手机", "手机号码", "联系电话", "电话", "联系方式"),
    ENTERPRISE_NAME: ("企业名称", "单位名称", "公司名称", "企业", "单位"),
    USCC: ("统一社会信用代码", "信用代码", "社会信用代码"),
    DEPARTMENT: ("部门", "车间", "班组", "部门班组", "部门/班组", "部门/车间", "车间/班组"),
    POST: ("岗位/工种", "岗位", "工种", "岗位工种", "职务"),
    CATEGORY: ("人员类别", "人员类型", "类别", "人员分类"),
    EMPLOYMENT_FORM: ("用工形式", "用工性质", "用工类型", "用工方式"),
    HIRE_DATE: ("入职日期", "入职时间", "进厂日期", "进厂时间", "入职年月日"),
}

TEMPLATE_HEADERS: dict[str, str] = {key: names[0] for key, names in _HEADERS.items()}
HEADER_SYNONYMS: dict[str, str] = {
    header_key(name): key for key, names in _HEADERS.items() for name in names
}
REQUIRED = (NAME, ID_NUMBER, CATEGORY)


def value_key(value: str) -> str:
    """人员类别 and 用工形式 cells compared without spaces, brackets or letter case."""
    return re.sub(r"[\s\u3000()（）\[\]【】]", "", value).upper()


# Category -> its template value first, then what else rosters say.
_CATEGORIES: dict[str, tuple[str, ...]] = {
    PersonnelCategory.PRINCIPAL: ("主要负责人", "企业主要负责人"),
    PersonnelCategory.SAFETY_MANAGER: ("安全生产管理人员", "安全管理人员"),
    PersonnelCategory.SPECIAL_OPERATOR: ("特种作业人员",),
    PersonnelCategory.CONSTRUCTION_A: (
        "建筑施工企业主要负责人(A)",
        "A",
        "A类",
        "主要负责人(A)",
        "建筑施工企业主要负责人",
    ),
    PersonnelCategory.CONSTRUCTION_B: ("项目负责人(B)", "B", "B类", "项目负责人"),
    PersonnelCategory.CONSTRUCTION_C1: ("专职安全生产管理人员(C1)", "C1", "C1类"),
    PersonnelCategory.CONSTRUCTION_C2: ("专职安全生产管理人员(C2)", "C2", "C2类"),
    PersonnelCategory.CONSTRUCTION_C3: ("专职安全生产管理人员(C3)", "C3", "C3类"),
    PersonnelCategory.TEAM_LEADER: ("班组长",),
    PersonnelCategory.GENERAL: ("一般从业人员", "从业人员", "其他从业人员", "普通员工"),
    # Not in the contract's list, but people of these categories exist and must round-trip.
    PersonnelCategory.FIRE_SAFETY: ("消防安全责任人",),
    PersonnelCategory.ENFORCEMENT: ("执法人员", "安全生产执法人员"),
}

_FORMS: dict[str, tuple[str, ...]] = {
    EmploymentForm.REGULAR: ("正式", "正式工", "合同工", "正式员工"),
    EmploymentForm.DISPATCHED: ("劳务派遣", "派遣", "派遣工"),
    EmploymentForm.OUTSOURCED: ("外包", "外包工"),
    EmploymentForm.TEMPORARY: ("临时", "临时工"),
    EmploymentForm.FLEXIBLE: ("灵活用工",),
}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    found = {value_key(name): key for key, names in table.items() for name in names}
    # The stored values too ("special_operator"), so a machine-made file also reads.
    found.update({value_key(str(key)): key for key in table})
    return found


CATEGORY_TEMPLATE_VALUES: dict[str, str] = {key: names[0] for key, names in _CATEGORIES.items()}
CATEGORY_SYNONYMS = _lookup(_CATEGORIES)
FORM_TEMPLATE_VALUES: dict[str, str] = {key: names[0] for key, names in _FORMS.items()}
FORM_SYNONYMS = _lookup(_FORMS)
