"""The enterprise directory and the region list (CONTRACT.md ``import_enterprises``,
``import_regions``) to good rows and a list of every bad row.

The file is read by documents.tables (limits, header row, synonyms), the cells by
roster.imports.cells; what is the directories' lives here: their headers, the 统一社会信用代码
with its check character, the GB/T 2260 code rules (the level and the parent follow from the
code), and the scope: a regulator's row outside their region (or industries) is a bad row with
its reason, checked again by the service that writes (roster.services.directory).

The Chinese headers are the file format, not interface text, so they are not translated.
Nothing here writes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from documents.errors import FileProblem, RowError
from documents.tables import Table, header_key, read_table
from roster.choices import RegionLevel
from roster.identity import IdentityError, validate_uscc
from roster.models import Enterprise, Industry, Region
from roster.selectors import DirectoryScope

from . import cells

# --- enterprises ------------------------------------------------------------------------------

NAME = "name"
USCC = "uscc"
REGION = "region"
INDUSTRY = "industry"
ADDRESS = "address"
LEGAL_REP = "legal_representative"
PHONE = "contact_phone"

_ENTERPRISE_HEADERS: dict[str, tuple[str, ...]] = {
    NAME: ("名称", "企业名称", "单位名称", "公司名称"),
    USCC: ("统一社会信用代码", "信用代码", "社会信用代码"),
    REGION: ("所属地区代码", "地区代码", "所属地区", "行政区划代码", "区划代码", "所属区划代码"),
    INDUSTRY: ("行业", "行业领域", "所属行业", "行业代码", "行业类别"),
    ADDRESS: ("地址", "注册地址", "经营地址", "企业地址", "单位地址"),
    LEGAL_REP: ("法定代表人", "法人代表", "法人", "负责人"),
    PHONE: ("联系电话", "电话", "联系方式", "手机号"),
}
ENTERPRISE_TEMPLATE: dict[str, str] = {k: names[0] for k, names in _ENTERPRISE_HEADERS.items()}
ENTERPRISE_SYNONYMS = {header_key(n): k for k, names in _ENTERPRISE_HEADERS.items() for n in names}
ENTERPRISE_REQUIRED = (NAME, USCC, REGION, INDUSTRY)
_ENTERPRISE_MAX = {
    NAME: Enterprise._meta.get_field("name").max_length,
    ADDRESS: Enterprise._meta.get_field("address").max_length,
    LEGAL_REP: Enterprise._meta.get_field("legal_representative").max_length,
    PHONE: Enterprise._meta.get_field("contact_phone").max_length,
}


@dataclass(frozen=True)
class EnterpriseRow:
    row: int
    uscc: str
    name: str
    region: Region
    industry: Industry
    address: str
    legal_representative: str
    contact_phone: str


@dataclass
class ParsedDirectory:
    """Good rows (EnterpriseRow or RegionRow) and every bad row of a directory file."""

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    filename: str = ""

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len({e.row for e in self.errors})


def _missing_columns(table: Table, required, template: dict[str, str]) -> None:
    missing = [template[k] for k in required if k not in table.columns]
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(headers)s.") % {"headers": "、".join(missing)}
        )


def _title(table: Table, key: str, template: dict[str, str]) -> str:
    column = table.columns.get(key)
    return column.title if column else template[key]


def _code_text(raw: object) -> str:
    """A code cell as digits: 990102 typed as a number reads the same as the text."""
    return re.sub(r"[\s\u3000]", "", cells.text(raw))


_BRACKETED = re.compile(r"[(（].*$")


def _industry_key(value: str) -> str:
    return re.sub(r"[\s\u3000]", "", value).upper()


def read_enterprises(data: bytes, filename: str, *, scope: DirectoryScope) -> ParsedDirectory:
    """Read and check an enterprise directory file; FileProblem when it cannot be read."""
    table = read_table(
        data,
        filename,
        synonyms=ENTERPRISE_SYNONYMS,
        expected=[ENTERPRISE_TEMPLATE[k] for k in ENTERPRISE_REQUIRED],
    )
    parsed = parse_enterprises(table, scope=scope)
    parsed.filename = filename
    return parsed


def parse_enterprises(table: Table, *, scope: DirectoryScope) -> ParsedDirectory:
    _missing_columns(table, ENTERPRISE_REQUIRED, ENTERPRISE_TEMPLATE)
    codes, usccs = set(), set()
    rows_by_uscc: dict[str, list[int]] = defaultdict(list)
    for number, values in table.rows:
        codes.add(_code_text(table.cell(values, REGION)))
        try:
            uscc = validate_uscc(table.cell(values, USCC))
        except IdentityError:
            continue
        usccs.add(uscc)
        rows_by_uscc[uscc].append(number)
    regions = {r.code: r for r in Region.objects.filter(code__in=codes - {""})}
    industries: dict[str, Industry] = {}
    all_industries = list(Industry.objects.all())
    for industry in all_industries:
        industries.setdefault(_industry_key(industry.name), industry)
    for industry in all_industries:  # "工贸" for "工贸(机械、轻工、纺织、建材、有色)"
        industries.setdefault(_industry_key(_BRACKETED.sub("", industry.name)), industry)
    for industry in all_industries:  # a code wins over a name that reads the same
        industries[_industry_key(industry.code)] = industry
    existing = {
        e.uscc: e
        for e in Enterprise.objects.filter(uscc__in=usccs).select_related("region", "industry")
    }

    parsed = ParsedDirectory()
    for number, values in table.rows:
        errors: list[RowError] = []
        clean: dict[str, object] = {}

        def error(key, reason, raw=None, *, number=number, values=values, errors=errors):
            shown = cells.text(table.cell(values, key) if raw is None else raw)
            errors.append(RowError(number, _title(table, key, ENTERPRISE_TEMPLATE), shown, reason))

        def take(key: str, parse: Callable[[object], object], *, values=values, clean=clean):
            try:
                value = parse(table.cell(values, key))
            except cells.CellError as exc:
                error(key, str(exc))
                return
            limit = _ENTERPRISE_MAX.get(key)
            if limit and isinstance(value, str) and len(value) > limit:
                error(key, _("At most %(n)s characters.") % {"n": limit})
                return
            clean[key] = value

        take(NAME, _required(cells.text, _("The name is missing.")))
        take(USCC, _uscc)
        take(ADDRESS, cells.text)
        take(LEGAL_REP, cells.person_name)
        take(PHONE, cells.phone)
        code = _code_text(table.cell(values, REGION))
        region = regions.get(code)
        if not code:
            error(REGION, _("The region code is missing."))
        elif region is None:
            error(REGION, _("No region has this code; import the region list first."))
        industry_text = cells.text(table.cell(values, INDUSTRY))
        industry = industries.get(_industry_key(industry_text)) if industry_text else None
        if not industry_text:
            error(INDUSTRY, _("The industry is missing."))
        elif industry is None:
            error(
                INDUSTRY,
                _("Unknown industry; write one of: %(values)s.")
                % {"values": "、".join(i.name for i in all_industries)},
            )
        uscc = clean.get(USCC)
        if uscc and len(rows_by_uscc.get(uscc, [])) > 1:
            others = "、".join(str(n) for n in rows_by_uscc[uscc] if n != number)
            error(USCC, _("The same credit code is also on row %(rows)s.") % {"rows": others})
        if region is not None and industry is not None and not errors:
            reason = enterprise_out_of_scope(
                scope, region=region, industry=industry, existing=existing.get(uscc)
            )
            if reason:
                error(REGION, reason)
        if errors:
            parsed.errors.extend(errors)
            continue
        parsed.rows.append(
            EnterpriseRow(
                row=number,
                uscc=uscc,
                name=clean[NAME],
                region=region,
                industry=industry,
                address=clean[ADDRESS],
                legal_representative=clean[LEGAL_REP],
                contact_phone=clean[PHONE],
            )
        )
    return parsed


def enterprise_out_of_scope(
    scope: DirectoryScope, *, region: Region, industry: Industry, existing: Enterprise | None
) -> str:
    """Why the actor may not write this row ("" when they may): the enterprise must lie in
    their area where it is now and where the row puts it."""
    if existing is not None and not scope.covers(existing.region.path, existing.industry_id):
        return _("This enterprise is registered outside your region; you may not change it.")
    if not scope.covers_region(region.path):
        return _("This region is outside your jurisdiction.")
    if not scope.covers(region.path, industry.pk):
        return _("This industry is outside your jurisdiction.")
    return ""


def _required(parse: Callable[[object], object], message: str) -> Callable[[object], object]:
    def required(raw: object) -> object:
        value = parse(raw)
        if not value:
            raise cells.CellError(message)
        return value

    return required


def _uscc(raw: object) -> str:
    if not cells.text(raw):
        raise cells.CellError(_("The unified social credit code is missing."))
    try:
        return validate_uscc(raw)
    except IdentityError as exc:
        raise cells.CellError(str(exc)) from exc


# --- regions ----------------------------------------------------------------------------------

CODE = "code"
REGION_NAME = "name"
PARENT = "parent"

_REGION_HEADERS: dict[str, tuple[str, ...]] = {
    CODE: ("代码", "区划代码", "行政区划代码", "统计用区划代码", "地区代码", "编码"),
    REGION_NAME: ("名称", "区划名称", "地区名称", "单位名称"),
    PARENT: ("上级代码", "上级区划代码", "父级代码", "上级"),
}
REGION_TEMPLATE: dict[str, str] = {k: names[0] for k, names in _REGION_HEADERS.items()}
REGION_SYNONYMS = {header_key(n): k for k, names in _REGION_HEADERS.items() for n in names}
REGION_REQUIRED = (CODE, REGION_NAME)
_REGION_NAME_MAX = Region._meta.get_field("name").max_length


@dataclass(frozen=True)
class RegionRow:
    row: int
    code: str
    name: str
    level: int
    parent_code: str  # "" for a province


def region_shape(code: str) -> tuple[int, str]:
    """The level and the parent's code a GB/T 2260 (or 9-digit township) code says.

    Raises CellError for anything else."""
    if not code.isdigit() or len(code) not in (6, 9):
        raise cells.CellError(_("A region code has 6 digits (GB/T 2260) or 9 digits (a township)."))
    if len(code) == 9:
        if code[6:] == "000":
            raise cells.CellError(_("A township code does not end in 000."))
        return RegionLevel.TOWNSHIP, code[:6]
    if code[:2] == "00":
        raise cells.CellError(_("No province code starts with 00."))
    if code[2:] == "0000":
        return RegionLevel.PROVINCE, ""
    if code[4:] == "00":
        return RegionLevel.CITY, code[:2] + "0000"
    return RegionLevel.COUNTY, code[:4] + "00"


def derived_path(code: str) -> str:
    """The path a region of this code has under the GB/T 2260 structure."""
    chain = [code]
    while True:
        try:
            _level, parent = region_shape(chain[-1])
        except cells.CellError:
            break
        if not parent:
            break
        chain.append(parent)
    return "/" + "/".join(reversed(chain)) + "/"


def read_regions(data: bytes, filename: str, *, scope: DirectoryScope) -> ParsedDirectory:
    table = read_table(
        data,
        filename,
        synonyms=REGION_SYNONYMS,
        expected=[REGION_TEMPLATE[k] for k in REGION_REQUIRED],
    )
    parsed = parse_regions(table, scope=scope)
    parsed.filename = filename
    return parsed


def parse_regions(table: Table, *, scope: DirectoryScope) -> ParsedDirectory:
    """Every row checked; the good rows come back parents first, so they can be written in
    order."""
    _missing_columns(table, REGION_REQUIRED, REGION_TEMPLATE)
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for number, values in table.rows:
        rows_by_code[_code_text(table.cell(values, CODE))].append(number)
    known = dict(Region.objects.values_list("code", "path"))
    in_file = {code for code in rows_by_code if code}

    parsed = ParsedDirectory()
    for number, values in table.rows:
        errors: list[RowError] = []

        def error(key, reason, *, number=number, values=values, errors=errors):
            shown = cells.text(table.cell(values, key))
            errors.append(RowError(number, _title(table, key, REGION_TEMPLATE), shown, reason))

        code = _code_text(table.cell(values, CODE))
        name = cells.text(table.cell(values, REGION_NAME))
        level, parent = 0, ""
        if not code:
            error(CODE, _("The region code is missing."))
        else:
            try:
                level, parent = region_shape(code)
            except cells.CellError as exc:
                error(CODE, str(exc))
        if not name:
            error(REGION_NAME, _("The name is missing."))
        elif len(name) > _REGION_NAME_MAX:
            error(REGION_NAME, _("At most %(n)s characters.") % {"n": _REGION_NAME_MAX})
        given_parent = _code_text(table.cell(values, PARENT))
        if level and given_parent and given_parent != parent:
            error(
                PARENT,
                _("The code %(code)s belongs under %(parent)s.")
                % {"code": code, "parent": parent or "—"},
            )
        if level and parent and parent not in known and parent not in in_file:
            error(
                CODE,
                _("Its parent region %(parent)s is neither in the system nor in this file.")
                % {"parent": parent},
            )
        if code and len(rows_by_code[code]) > 1:
            others = "、".join(str(n) for n in rows_by_code[code] if n != number)
            error(CODE, _("The same code is also on row %(rows)s.") % {"rows": others})
        if level and not errors and not scope.covers_region(known.get(code) or derived_path(code)):
            error(CODE, _("This region is outside your jurisdiction."))
        if errors:
            parsed.errors.extend(errors)
            continue
        parsed.rows.append(
            RegionRow(row=number, code=code, name=name, level=level, parent_code=parent)
        )
    parsed.rows.sort(key=lambda r: (r.level, r.row))
    return parsed
