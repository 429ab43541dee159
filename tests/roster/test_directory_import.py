"""The enterprise directory and the region list: reading, scope per object, writes."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from roster.imports.cells import CellError
from roster.imports.directory import read_enterprises, read_regions, region_shape
from roster.models import AuditLog, Enterprise, Region
from roster.selectors import directory_scope
from roster.services.directory import (
    enterprise_directory_export,
    enterprise_directory_import,
    region_directory_export,
    region_directory_import,
)
from tests.roster.sheets import xlsx_bytes

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
HEADERS = ["名称", "统一社会信用代码", "所属地区代码", "行业", "地址", "法定代表人", "联系电话"]


def enterprises(user, name="enterprises.csv"):
    return read_enterprises((DATA / name).read_bytes(), name, scope=directory_scope(user))


def regions(user, name="regions.csv"):
    return read_regions((DATA / name).read_bytes(), name, scope=directory_scope(user))


def reasons(parsed):
    return {(e.row, e.column): e.reason for e in parsed.errors}


def test_every_bad_row_is_reported_with_row_column_value_and_reason(world):
    parsed = enterprises(world.system_admin)
    assert [e.row for e in parsed.errors] == [5]
    error = parsed.errors[0]
    assert (error.column, error.value) == ("统一社会信用代码", "91990102MA0001004Y")
    assert "校验" in error.reason or "check" in error.reason
    assert len(parsed.rows) == 3


def test_the_county_regulator_cannot_import_an_enterprise_of_another_county(world):
    parsed = enterprises(world.regulator_county)
    assert sorted({e.row for e in parsed.errors}) == [4, 5]
    assert (4, "所属地区代码") in reasons(parsed)
    report = enterprise_directory_import(
        rows=parsed, actor=world.regulator_county, only_valid=True, dry_run=False
    )
    assert report.written and report.created == 2
    assert not Enterprise.objects.filter(uscc="91990103MA00010039").exists()


def test_a_regulator_limited_to_chemicals_cannot_import_another_industry(world):
    parsed = enterprises(world.regulator_township_chem)
    assert 2 in {e.row for e in parsed.errors}  # 工贸 in 城关镇: not chemicals


def test_a_regulator_cannot_move_an_enterprise_registered_elsewhere(world):
    other = world.ent_other  # 白石县, outside the county regulator's region
    rows = [HEADERS, [other.name, other.uscc, world.township_a.code, "工贸", "", "", ""]]
    with translation.override("en"):
        parsed = read_enterprises(
            xlsx_bytes(rows), "move.xlsx", scope=directory_scope(world.regulator_county)
        )
    assert [e.row for e in parsed.errors] == [2]
    assert "registered outside your region" in parsed.errors[0].reason
    assert not parsed.rows
    other.refresh_from_db()
    assert other.region == world.other_county


def test_the_service_checks_the_scope_again_whoever_parsed_the_file(world):
    """A file parsed with the system's scope and written by a regulator changes nothing
    outside the regulator's region."""
    parsed = enterprises(None)
    report = enterprise_directory_import(
        rows=parsed, actor=world.regulator_county, only_valid=True, dry_run=False
    )
    assert 4 in report.bad_row_numbers
    assert not Enterprise.objects.filter(uscc="91990103MA00010039").exists()


def test_trainers_and_enterprise_admins_keep_no_directory(world):
    for user in (world.trainer, world.enterprise_admin):
        with pytest.raises(PermissionDenied):
            enterprise_directory_import(
                rows=enterprises(None), actor=user, only_valid=True, dry_run=True
            )


def test_a_bad_row_without_only_valid_writes_nothing(world):
    before = Enterprise.objects.count()
    report = enterprise_directory_import(
        rows=enterprises(world.system_admin),
        actor=world.system_admin,
        only_valid=False,
        dry_run=False,
    )
    assert report.refused and not report.written
    assert Enterprise.objects.count() == before
    assert not AuditLog.objects.filter(action="enterprises.import").exists()


def test_reimporting_updates_by_credit_code(world):
    ent = world.ent_a
    rows = [HEADERS, ["城关机械厂（新名）", ent.uscc, ent.region.code, "07", "新地址", "", ""]]
    parsed = read_enterprises(xlsx_bytes(rows), "x.xlsx", scope=directory_scope(None))
    report = enterprise_directory_import(rows=parsed, actor=None, only_valid=False, dry_run=False)
    assert (report.created, report.updated) == (0, 1)
    ent.refresh_from_db()
    assert (ent.name, ent.address) == ("城关机械厂（新名）", "新地址")


def test_the_export_reimports_unchanged(world):
    content, count = enterprise_directory_export(actor=world.regulator_county)
    assert count == 3  # the county's three enterprises, not 白石县's
    parsed = read_enterprises(content, "e.xlsx", scope=directory_scope(world.regulator_county))
    assert not parsed.errors
    report = enterprise_directory_import(
        rows=parsed, actor=world.regulator_county, only_valid=False, dry_run=True
    )
    assert report.unchanged == 3


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("990000", 1, ""),
        ("990100", 2, "990000"),
        ("990102", 3, "990100"),
        ("990102005", 4, "990102"),
    ],
)
def test_the_level_and_parent_follow_from_the_code(code, level, parent):
    assert region_shape(code) == (level, parent)


@pytest.mark.parametrize("code", ["99010", "99010200", "990102000", "000000", "99A102"])
def test_malformed_region_codes_are_refused(code):
    with pytest.raises(CellError):
        region_shape(code)


def test_regions_are_created_parents_first(world):
    parsed = regions(None)
    assert [e.row for e in parsed.errors] == [5]
    report = region_directory_import(rows=parsed, actor=None, only_valid=True, dry_run=False)
    assert report.created == 3
    township = Region.objects.get(code="990104001")
    assert township.parent.code == "990104" and township.parent.parent == world.city
    assert township.path == "/990000/990100/990104/990104001/"


def test_a_regulator_imports_regions_only_within_their_region(world):
    parsed = regions(world.regulator_county)
    # 东山县 and its township lie outside 清河县; 新河镇 lies inside.
    assert {e.row for e in parsed.errors} == {3, 4, 5}
    report = region_directory_import(
        rows=parsed, actor=world.regulator_county, only_valid=True, dry_run=False
    )
    assert report.created == 1
    assert not Region.objects.filter(code__startswith="990104").exists()


def test_region_export_lists_the_regulators_subtree(world):
    content, count = region_directory_export(actor=world.regulator_county)
    sheet = load_workbook(filename=__import__("io").BytesIO(content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["990102", "990102001", "990102002"] and count == 3
