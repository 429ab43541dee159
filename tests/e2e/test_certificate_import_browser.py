"""Existing certificates imported on the web: an enterprise's safety admin opens certificate
administration, uploads a file with a bad row and a row for another enterprise's worker,
reads the check page (row, column, value, problem), imports the good row, and finds the
certificate on the management page; the same on a phone. Screenshots at 1280x800 and
390x844 go to /tmp/shots/certificate-import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certificates.models import Certificate
from tests.certificates.test_import_certificates import HEADERS, row
from tests.e2e import shots
from tests.factories import build_world
from tests.roster.sheets import write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/certificate-import")
PASSWORD = "pw-123456"
ENGLISH = ("Import", "Upload", "Rows read", "Problem", "Column")


def keep(session, name: str) -> None:
    """A screenshot of the page as it is (a check page is a POST's answer: it cannot be
    opened again in another tab), kept where people look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(session.shot(name), SHOTS / f"{name}.png")


def test_an_enterprise_admin_imports_certificates_with_a_check_page(desktop, phone, tmp_path):
    world = build_world()
    good_and_bad = write_xlsx(
        tmp_path,
        [
            HEADERS,
            row(world.person_a, "DQ-2020-0001"),
            row(world.person_a, "DQ-2020-0002", 有效期至="不详", 证书类型="TZ-GY"),
            row(world.person_b, "DQ-2020-0003"),  # works at another enterprise
        ],
        name="证书.xlsx",
    )
    d = desktop
    page = d.page
    d.login(world.enterprise_admin.username, PASSWORD)
    d.go("/certificates/manage/")
    with page.expect_navigation():
        page.get_by_role("link", name="导入证书").click()
    shots.both_sizes(d, SHOTS, "upload", english=ENGLISH)

    page.set_input_files("#id_file", str(good_and_bad))
    with page.expect_navigation():
        page.get_by_role("button", name="检查文件").click()
    check = page.locator("#import-check")
    assert "证书.xlsx" in check.inner_text()
    bad = page.locator("#bad-rows tbody tr").all_inner_texts()
    assert len(bad) == 2, bad
    assert any("有效期至" in r and "不详" in r for r in bad), bad
    assert any("身份证号" in r for r in bad), bad
    assert world.person_b.name not in check.inner_text()  # nothing told about other people
    assert not Certificate.objects.exists()
    d.assert_no_horizontal_overflow()
    keep(d, "check-desktop")
    for word in ENGLISH:
        assert word not in page.locator("main").inner_text(), word

    with page.expect_navigation():
        page.get_by_role("button", name="只导入 1 个有效行").click()
    assert "已导入 1 本证书" in page.locator(".messages").inner_text()
    page.fill("#id_number", "DQ-2020-0001")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    assert world.person_a.name in page.locator("main table").inner_text()
    assert list(Certificate.objects.values_list("number", flat=True)) == ["DQ-2020-0001"]
    keep(d, "imported-desktop")

    # On a phone: the same check page, all rows good this time. A second operation item of
    # the same holder goes on their one special-operation card, under its number.
    one_more = write_xlsx(
        tmp_path, [HEADERS, row(world.person_a, "DQ-2020-0001", 证书类型="TZ-GY")], name="补录.xlsx"
    )
    p = phone.page
    phone.login(world.enterprise_admin.username, PASSWORD)
    phone.go("/certificates/manage/import/")
    p.set_input_files("#id_file", str(one_more))
    with p.expect_navigation():
        p.get_by_role("button", name="检查文件").click()
    assert p.locator("#bad-rows").count() == 0
    phone.assert_no_horizontal_overflow()
    keep(phone, "check-phone")
    with p.expect_navigation():
        p.get_by_role("button", name="导入 1 本证书").click()
    assert "已在现有特种作业操作证上增加操作项目：1 项" in p.locator(".messages").inner_text()
    phone.assert_no_horizontal_overflow()
    keep(phone, "imported-phone")
    card = Certificate.objects.get()
    assert card.number == "DQ-2020-0001" and card.items.count() == 2
