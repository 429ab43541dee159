"""The special-operation item in a real browser, on the web only: an enterprise admin finds a
特种作业人员 whose post names no item of the catalogue in the gap list ("请设置操作项目"),
sets the item on a phone-sized and a laptop-sized page, and the person then reads as needing
that item's certificate; the county regulator's 持证率 counts them as required throughout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from certificates.models import OperationAssignment
from roster.choices import PersonnelCategory
from tests.e2e import shots
from tests.factories import EmploymentFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/operation_items")
PASSWORD = "pw-123456"
NAME = "赵守成"


def both_sizes(session, name: str) -> None:
    shots.both_sizes(
        session, SHOTS, name, english=("operation item", "Missing certificates", "Set the")
    )


def gap_row(page):
    return page.locator("#gaps tbody tr", has_text=NAME)


def test_an_admin_sets_the_item_of_a_special_operator_the_gap_list_asks_about(desktop):
    world = build_world()
    employment = EmploymentFactory(
        enterprise=world.ent_a,
        person__name=NAME,
        post="设备维护员",
        category=PersonnelCategory.SPECIAL_OPERATOR,
        hire_date=dt.date(2020, 5, 1),
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    desktop.login(world.enterprise_admin.username, PASSWORD)
    page = desktop.page
    desktop.go("/")
    with page.expect_navigation():
        page.click("nav.nav >> text=持证人员")
    row = gap_row(page)
    assert "请设置操作项目" in row.inner_text()
    assert "无需持证" not in page.locator("main").inner_text()
    both_sizes(desktop, "01-gap-list-asks-for-the-item")

    with page.expect_navigation():
        row.locator("a", has_text="设置操作项目").click()
    assert NAME in page.locator("main").inner_text()
    both_sizes(desktop, "02-set-item-form")

    # Saving without a choice: told in Chinese beside the field, nothing written.
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "请选择该人员从事的操作项目" in page.locator(".field .error").inner_text()
    assert not OperationAssignment.objects.exists()
    desktop.shot("03-empty-choice-refused")

    page.select_option("select[name=certificate_type]", label="电工作业 · 防爆电气作业")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    main = page.locator("main").inner_text()
    assert f"已设置：{NAME} 须持有防爆电气作业的特种作业操作证。" in main
    assert "不在您的权限范围内" not in main
    row = gap_row(page)
    assert "特种作业操作证（防爆电气作业）" in row.inner_text()
    assert "请设置操作项目" not in row.inner_text()
    assert OperationAssignment.objects.get().employment == employment
    both_sizes(desktop, "04-now-needs-that-items-certificate")
