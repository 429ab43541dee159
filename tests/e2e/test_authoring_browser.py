"""Writing questions on the web: a trainer creates a bank (serving a post and a personnel
category), adds a category, writes one question of every type (an image on one), previews
it as an examinee sees it, edits one (a new version), filters the list and takes questions
out of use in bulk; an enterprise admin writes into their internal bank on a phone.
Screenshots of each page at 1280x800 and 390x844 go to $SHOTS (default /tmp/shots/authoring).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from question_banks.models import Question, QuestionBank
from tests.factories import build_world

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-123456"
SHOTS = Path(os.environ.get("SHOTS", "/tmp/shots/authoring"))


@pytest.fixture
def world(settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    world = build_world()
    QuestionBank.objects.create(code="NB", name="机械厂内部题库", enterprise=world.ent_a)
    return world


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "meter.png"
    image = Image.new("RGB", (160, 90), (240, 240, 240))
    for x in range(20, 140):
        for y in range(40, 50):
            image.putpixel((x, y), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def keep(session, name: str) -> None:
    """A screenshot, kept where people look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(session.shot(name), SHOTS / f"{name}.png")


def save(page, button: str = "保存并预览") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_trainer_builds_a_bank_of_every_question_type(world, desktop, phone, picture):
    d = desktop
    page = d.page
    d.login("trainer_b", PASSWORD)
    with page.expect_navigation():
        page.click("nav a[href='/exams/banks/']")
    keep(d, "banks-empty-desktop")

    # A new bank, for electricians and special operators.
    with page.expect_navigation():
        page.get_by_role("link", name="新建题库").click()
    page.fill("#id_code", "DQ")
    page.fill("#id_name", "电气安全题库")
    page.check("input[name=personnel_categories][value=special_operator]")
    page.fill("#id_posts_text", "电工、焊工")
    keep(d, "bank-form-desktop")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.endswith("/exams/banks/DQ/")
    assert "题库已保存" in page.locator(".messages").inner_text()
    assert "电工" in page.locator("main").inner_text()

    # A category.
    with page.expect_navigation():
        page.get_by_role("link", name="知识点", exact=True).click()
    page.fill("#id_name", "电气防火")
    with page.expect_navigation():
        page.get_by_role("button", name="添加").click()
    assert "电气防火" in page.locator("ul.tree").inner_text()
    keep(d, "categories-desktop")
    d.go("/exams/banks/DQ/questions/new/")

    # 单选 with an image in the stem; a wrong first try says why beside the options.
    page.select_option("#id_qtype", "single")
    page.fill("#id_stem", "电气设备着火时，首先应当？")
    page.fill("#id_opt_A", "用水扑救")
    page.fill("#id_opt_B", "切断电源")
    page.fill("#id_opt_C", "打开门窗")
    page.check("#id_opt_A_correct")
    page.check("#id_opt_B_correct")
    save(page)
    errors = page.locator("fieldset.group .error").all_inner_texts()
    assert any("单选题只有一个正确答案" in e for e in errors), errors
    assert page.input_value("#id_opt_C") == "打开门窗"  # what was typed is kept
    d.assert_no_horizontal_overflow()
    keep(d, "question-error-desktop")
    page.uncheck("#id_opt_A_correct")
    page.set_input_files("#id_stem_image", str(picture))
    page.select_option("#id_category", label="电气防火")
    keep(d, "question-form-single-desktop")
    save(page)
    assert "/preview/" in page.url
    card = page.locator(".exam-preview article.card.question")
    assert card.count() == 1 and "切断电源" in card.inner_text()
    image = card.locator(".stem img")
    assert image.count() == 1
    assert page.evaluate("document.querySelector('.exam-preview .stem img').naturalWidth") == 160
    keep(d, "preview-single-desktop")
    single = Question.objects.get(qtype="single")

    # 判断
    d.go("/exams/banks/DQ/questions/new/?type=judge")
    page.fill("#id_stem", "绝缘手套应当定期做耐压试验。")
    page.check("#id_judge_answer_0")
    save(page)
    assert "正确" in page.locator(".exam-preview").inner_text()

    # 多选
    d.go("/exams/banks/DQ/questions/new/?type=multiple")
    page.fill("#id_stem", "下列属于基本安全用具的有？")
    for key, text in zip("ABCD", ["绝缘棒", "绝缘夹钳", "绝缘垫", "安全帽"], strict=True):
        page.fill(f"#id_opt_{key}", text)
    page.check("#id_opt_A_correct")
    page.check("#id_opt_B_correct")
    save(page)
    assert page.locator(".exam-preview input[type=checkbox]").count() == 4

    # 案例分析 with two parts; images on the case, on a part and on a part's option (the
    # option is only a picture).
    d.go("/exams/banks/DQ/questions/new/?type=case")
    page.fill("#id_stem", "某厂电工在未停电、未验电的情况下检修配电箱，发生触电。")
    page.set_input_files("#id_stem_image", str(picture))
    page.fill("#id_sub0_stem", "事故的直接原因是？")
    page.set_input_files("#id_sub0_image", str(picture))
    page.select_option("#id_sub0_qtype", "single")
    page.fill("#id_sub0_A", "未停电验电")
    page.set_input_files("#id_sub0_B_image", str(picture))
    page.check("#id_sub0_A_correct")
    page.fill("#id_sub1_stem", "检修前应先停电、验电、挂接地线。")
    page.select_option("#id_sub1_qtype", "judge")
    page.check("#id_sub1_A_correct")
    keep(d, "question-form-case-desktop")
    save(page)
    preview = page.locator(".exam-preview").inner_text()
    assert "事故的直接原因是？" in preview and "检修前应先停电" in preview
    case_card = page.locator(".exam-preview article.card.question")
    assert case_card.locator(".stem img").count() == 1
    assert case_card.locator("fieldset.sub legend img").count() == 1
    assert case_card.locator("fieldset.sub .choice .text img").count() == 1
    widths = page.evaluate(
        "[...document.querySelectorAll('.exam-preview img')].map(i => i.naturalWidth)"
    )
    assert widths == [160, 160, 160], widths  # every image loads
    keep(d, "preview-case-desktop")
    case = Question.objects.get(qtype="case")
    d.go(f"/exams/banks/DQ/questions/{case.pk}/")
    assert page.locator(".sub-part .kept img").count() == 2  # the part's and its option's
    keep(d, "question-edit-case-desktop")

    # Edit the single-choice question: a new version; the history lists both.
    d.go(f"/exams/banks/DQ/questions/{single.pk}/")
    assert page.locator(".kept img").count() == 1  # the stem's image, kept
    page.fill("#id_stem", "电气设备发生火灾时，首先应当？")
    save(page)
    assert "第 2 版" in page.locator(".messages").inner_text()
    assert page.locator(".exam-preview .stem img").count() == 1  # the image stayed
    d.go(f"/exams/banks/DQ/questions/{single.pk}/history/")
    assert page.locator("table tbody tr").count() == 2
    keep(d, "history-desktop")

    # The list: filter by type, then take every question out of use.
    d.go("/exams/banks/DQ/")
    assert page.locator("table.questions tbody tr").count() == 4
    page.select_option("#f-type", "judge")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert page.locator("table.questions tbody tr").count() == 1
    d.go("/exams/banks/DQ/")
    page.check("#tick-all")
    with page.expect_navigation():
        page.get_by_role("button", name="停用").click()
    assert "已更改 4 道试题" in page.locator(".messages").inner_text()
    assert not Question.objects.filter(bank__code="DQ", is_active=True).exists()
    d.assert_no_horizontal_overflow()
    keep(d, "bank-list-desktop")

    # The same pages on a phone.
    phone.login("trainer_b", PASSWORD)
    for path, name in [
        ("/exams/banks/", "banks-phone"),
        ("/exams/banks/DQ/", "bank-list-phone"),
        ("/exams/banks/DQ/edit/", "bank-form-phone"),
        ("/exams/banks/DQ/questions/new/?type=single", "question-form-single-phone"),
        ("/exams/banks/DQ/questions/new/?type=case", "question-form-case-phone"),
        (f"/exams/banks/DQ/questions/{single.pk}/preview/", "preview-single-phone"),
        (f"/exams/banks/DQ/questions/{single.pk}/history/", "history-phone"),
        (f"/exams/banks/DQ/questions/{case.pk}/preview/", "preview-case-phone"),
    ]:
        phone.go(path)
        phone.assert_no_horizontal_overflow()
        keep(phone, name)


def test_enterprise_admin_writes_into_their_internal_bank(world, phone, desktop):
    p = phone.page
    phone.login("admin_a", PASSWORD)
    with p.expect_navigation():
        p.click("nav a[href='/exams/banks/']")
    assert [t.strip() for t in p.locator("table tbody td:first-child").all_inner_texts()] == [
        "机械厂内部题库"
    ]
    keep(phone, "enterprise-banks-phone")
    phone.go("/exams/banks/NB/questions/new/?type=single")
    p.fill("#id_stem", "进入有限空间作业前必须？")
    p.fill("#id_opt_A", "先通风、再检测、后作业")
    p.fill("#id_opt_B", "直接进入")
    p.check("#id_opt_A_correct")
    keep(phone, "enterprise-question-form-phone")
    save(p)
    assert "先通风" in p.locator(".exam-preview").inner_text()
    phone.assert_no_horizontal_overflow()
    keep(phone, "enterprise-preview-phone")
    assert QuestionBank.objects.get(code="NB").questions.count() == 1
    # A training body's bank is not theirs.
    response = p.goto(phone.base_url + "/exams/banks/DQ/")
    assert response.status == 404
    desktop.login("admin_a", PASSWORD)
    desktop.go("/exams/banks/NB/")
    keep(desktop, "enterprise-bank-desktop")
