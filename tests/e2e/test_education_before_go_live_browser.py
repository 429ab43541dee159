"""Staff who predate the product, in a real browser: the enterprise admin sees a 2012 hire and
a new employee listed as missing 三级安全教育, uploads the 2012 hire's paper records (one bad
row is listed on the check page with its row, column, value and reason), imports the valid
rows, then marks everyone hired before 2015 as done before go-live with a reason. The 2012
hire leaves the list; the new employee stays on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from courses.models import SafetyEducationBeforeGoLive, SafetyEducationRecord
from tests.e2e import shots
from tests.factories import EmploymentFactory, build_world, make_id_number
from tests.roster.sheets import xlsx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/education_before_go_live")
PASSWORD = "pw-123456"
ENGLISH = ("Import", "Reason", "Hired before", "Missing", "before go-live", "Check")


def test_admin_imports_earlier_education_and_marks_the_rest_before_go_live(
    desktop, phone, tmp_path
):
    world = build_world()
    veteran = EmploymentFactory(
        enterprise=world.ent_a,
        hire_date=dt.date(2012, 4, 1),
        person__id_number=make_id_number(seq=611),
        person__name="老王",
    ).person
    older = EmploymentFactory(
        enterprise=world.ent_a,
        hire_date=dt.date(2013, 9, 1),
        person__id_number=make_id_number(seq=612),
        person__name="老赵",
    ).person
    newcomer = EmploymentFactory(
        enterprise=world.ent_a,
        hire_date=dt.date(2025, 3, 1),
        person__id_number=make_id_number(seq=613),
        person__name="小陈",
    ).person
    sheet = tmp_path / "三级教育台账.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [
                ["姓名", "身份证号", "教育级别", "教育日期", "学时", "授课人"],
                [veteran.name, veteran.id_number, "厂级", "2012-04-01", 24, "安全科"],
                [veteran.name, veteran.id_number, "车间级", "2012-04-03", 24, "车间主任"],
                [veteran.name, veteran.id_number, "班组级", "2012-04-05", 24, "班组长"],
                [veteran.name, veteran.id_number, "工厂级别", "2012-04-06", 8, ""],
            ]
        )
    )

    desktop.login("admin_a", PASSWORD)
    page = desktop.page
    desktop.go("/courses/records/")
    with page.expect_navigation():
        page.click("text=上线前三级教育")
    missing = page.locator("#missing").inner_text()
    assert "老王" in missing and "老赵" in missing and "小陈" in missing
    shots.both_sizes(desktop, SHOTS, "01-missing", english=ENGLISH)

    with page.expect_navigation():
        page.click("text=导入既往记录")
    page.set_input_files("#id_file", str(sheet))
    with page.expect_navigation():
        page.click("button:has-text('检查文件')")
    bad = page.locator("#bad-rows").inner_text()
    assert "5" in bad and "教育级别" in bad and "工厂级别" in bad and "公司级" in bad
    desktop.shot("02-check")
    assert not SafetyEducationRecord.objects.exists()
    with page.expect_navigation():
        page.click("button:has-text('只导入 3 个有效行')")
    assert "已导入：3 条记录" in page.locator("main").inner_text()
    assert SafetyEducationRecord.objects.filter(person=veteran).count() == 3
    missing = page.locator("#missing").inner_text()
    assert "老王" not in missing and "老赵" in missing

    # Bad input: no reason; the date typed stays in the field.
    page.fill("#id_bulk-hired_before", "2015-01-01")
    with page.expect_navigation():
        page.click("#mark-bulk button[type=submit]")
    assert page.locator("#id_bulk-hired_before").input_value() == "2015-01-01"
    assert "此项为必填" in page.locator("#mark-bulk").inner_text()
    assert not SafetyEducationBeforeGoLive.objects.exists()

    page.fill("#id_bulk-reason", "系统上线前入职，三级教育卡纸质存档")
    with page.expect_navigation():
        page.click("#mark-bulk button[type=submit]")
    text = page.locator("main").inner_text()
    assert "已将 2015-01-01 前入职的 2 人标记为上线前完成三级安全教育" in text
    missing = page.locator("#missing").inner_text()
    assert "老赵" not in missing and "老王" not in missing and "小陈" in missing
    assert SafetyEducationBeforeGoLive.objects.filter(person=older).exists()
    shots.both_sizes(desktop, SHOTS, "03-marked", english=ENGLISH)

    # On a phone the admin marks the new employee one by one is refused for a wrong ID.
    phone.login("admin_a", PASSWORD)
    phone.go("/courses/records/safety-education/before-go-live/")
    phone.page.fill("#id_person-id_number", make_id_number(seq=699))
    phone.page.fill("#id_person-reason", "纸质台账")
    with phone.page.expect_navigation():
        phone.page.click("#mark-person button[type=submit]")
    assert "不在本企业花名册中" in phone.page.locator("#mark-person").inner_text()
    assert phone.page.locator("#id_person-reason").input_value() == "纸质台账"
    phone.assert_no_horizontal_overflow()
    phone.shot("04-phone-refused")
    assert not SafetyEducationBeforeGoLive.objects.filter(person=newcomer).exists()
