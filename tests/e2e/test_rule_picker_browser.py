"""The fixed paper's question picker in a real browser: in a bank of sixty-odd questions the
trainer searches the rule page for two questions, adds each to the paper with 加入试卷
(no script needed: each is a link that fills the next empty row), gives their points and
saves the fixed paper."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_banks.models import PaperRule, QuestionBank
from tests.e2e import shots
from tests.factories import build_world
from tests.question_banks.conftest import add_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/rule_picker")
PASSWORD = "pw-123456"


def search(page, words: str) -> None:
    page.fill("#p-q", words)
    with page.expect_navigation():
        page.click("#rule-picker form button[type=submit]")


def test_a_trainer_searches_and_adds_two_questions_to_a_fixed_paper(desktop):
    world = build_world()
    bank = QuestionBank.objects.create(
        code="DG", name="低压电工作业", training_body=world.trainer_body
    )
    for difficulty in (1, 2, 3):
        for _ in range(20):
            add_question(bank, "single", difficulty)
    earth = add_question(bank, "single", 2, stem="接地电阻的测量应使用哪种仪表？")
    insulation = add_question(bank, "judge", 1, stem="绝缘手套使用前应做充气检查。")

    desktop.login("trainer_b", PASSWORD)
    page = desktop.page
    desktop.go(f"/exams/manage/rules/new/?bank={bank.pk}")
    picker = page.locator("#rule-picker")
    assert "只显示前 50 道，请缩小范围" in picker.inner_text()
    assert picker.locator("a[data-add]").count() == 50
    # the rows do not list the whole bank any more
    assert page.locator("#id_fixed-0-question option").count() <= 51

    search(page, "接地电阻")
    assert picker.locator("li").count() == 1
    with page.expect_navigation():
        picker.get_by_role("link", name="加入试卷").click()
    assert page.locator("#id_fixed-0-question").input_value() == str(earth.pk)

    search(page, "绝缘手套")
    with page.expect_navigation():
        picker.get_by_role("link", name="加入试卷").click()
    assert page.locator("#id_fixed-1-question").input_value() == str(insulation.pk)
    assert page.locator("#id_fixed-0-question").input_value() == str(earth.pk)
    assert "已在试卷中" in picker.inner_text()
    shots.both_sizes(desktop, SHOTS, "01-two-added", english=("Add to paper", "In the paper"))

    page.fill("#id_name", "低压电工固定卷")
    page.select_option("#id_kind", "fixed")
    page.fill("#id_duration_minutes", "30")
    page.fill("#id_pass_mark", "60")
    page.fill("#id_fixed-0-points", "60")
    page.fill("#id_fixed-1-points", "40")
    with page.expect_navigation():
        page.click("#rule-form button[type=submit]")
    rule = PaperRule.objects.get(name="低压电工固定卷")
    assert list(rule.fixed_items.order_by("position").values_list("question", flat=True)) == [
        earth.pk,
        insulation.pk,
    ]
    assert "已保存" in page.locator("main").inner_text()
    shots.both_sizes(desktop, SHOTS, "02-saved")
