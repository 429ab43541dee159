"""From an empty bank to a verified certificate, on the web only.

A trainer creates an empty question bank, writes three questions (两道判断, 一道单选), makes a
paper rule on it and a session that issues 特种作业操作证（低压电工作业） on passing, pastes the
trainee's ID number onto the list and publishes. The trainee, on a phone, opens 我的考试,
answers every question right and passes the theory, then goes through the answers with the
trainer's explanations (the session shows them right after submitting); no certificate yet
(特种作业: theory AND practical). The trainer opens the session's 成绩, follows 录入实操成绩
beside the pass and records the practical exam; that issues the certificate (Celery runs
eagerly in tests), which shows in 我的证书 with its QR code. The QR is read from the
screenshot, as an inspector's phone camera would, and the page it opens says the certificate
is valid.
Screenshots of each step go to $E2E_SHOTS (default /tmp/shots/journey).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.qr_reader import read_qr_texts
from question_banks.models import ExamSession, PaperRule, QuestionBank
from tests.e2e.test_authoring_browser import save
from tests.e2e.test_sessions_browser import local
from tests.factories import UserFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-123456"
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/shots/journey"))
CERTIFICATE_TYPE = "TZ-DG"
# Each question's stem and the text of its right option as the exam page labels it.
JUDGE = [
    ("停电检修时，应在开关处挂“禁止合闸，有人工作”标示牌。", "正确"),
    ("带电作业时可以不戴绝缘手套，只要动作快。", "错误"),
]
SINGLE = ("低压验电笔检测的电压范围一般是？", ["60V～500V", "500V～1000V", "1000V以上"], 0)
# The trainer's 解析 of each question, read back by the trainee on the review page.
EXPLAINED = {
    JUDGE[0][0]: "《电业安全工作规程》：停电检修须悬挂标示牌。",
    JUDGE[1][0]: "带电作业必须戴绝缘手套，与动作快慢无关。",
    SINGLE[0]: "低压验电笔适用于 60V～500V。",
}


def keep(session, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(session.shot(name), SHOTS / f"{name}.png")


@pytest.fixture
def journey(settings, live_server):
    # The QR carries the public verify address; here that is the live server, so the
    # address read from the QR opens in the test browser.
    settings.CERTIFICATE_VERIFY_BASE_URL = live_server.url
    world = build_world()
    # person_b works in the trainer's township; their account, as activation would make it.
    trainee = UserFactory(username=world.person_b.id_number, person=world.person_b)
    return world, trainee


def write_questions(desktop, code: str) -> None:
    page = desktop.page
    for n, (stem, answer) in enumerate(JUDGE):
        desktop.go(f"/exams/banks/{code}/questions/new/?type=judge")
        page.fill("#id_stem", stem)
        page.check("#id_judge_answer_0" if answer == "正确" else "#id_judge_answer_1")
        page.fill("#id_explanation", EXPLAINED[stem])
        save(page)
        assert stem in page.locator(".exam-preview").inner_text()
        if n == 0:
            keep(desktop, "01-question-judge-preview")
    stem, options, right = SINGLE
    desktop.go(f"/exams/banks/{code}/questions/new/?type=single")
    page.fill("#id_stem", stem)
    for key, text in zip("ABC", options, strict=True):
        page.fill(f"#id_opt_{key}", text)
    page.check(f"#id_opt_{'ABC'[right]}_correct")
    page.fill("#id_explanation", EXPLAINED[stem])
    keep(desktop, "02-question-single-form")
    save(page)
    assert options[right] in page.locator(".exam-preview").inner_text()


def answer_everything_right(page) -> int:
    """On the exam page, choose the right option of each question in turn."""
    right = dict(JUDGE) | {SINGLE[0]: SINGLE[1][SINGLE[2]]}
    answered = 0
    for _n in range(len(right)):
        article = page.locator("article.question:visible")
        stem = article.locator(".stem").inner_text().strip()
        answer = next(text for s, text in right.items() if s in stem)
        article.locator("label.choice", has_text=answer).first.click()
        answered += 1
        next_button = article.locator("[data-next]")
        if next_button.count() and next_button.is_visible():
            next_button.click()
    return answered


def test_from_an_empty_bank_to_a_verified_certificate(journey, desktop, phone, tmp_path):
    world, trainee = journey
    page = desktop.page

    # 1. The trainer makes an empty bank and writes three questions into it.
    desktop.login("trainer_b", PASSWORD)
    with page.expect_navigation():
        page.click("nav a[href='/exams/banks/']")
    with page.expect_navigation():
        page.get_by_role("link", name="新建题库").click()
    page.fill("#id_code", "JY")
    page.fill("#id_name", "低压电工安全题库")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.endswith("/exams/banks/JY/")
    bank = QuestionBank.objects.get(code="JY")
    assert bank.questions.count() == 0
    keep(desktop, "00-bank-empty")
    write_questions(desktop, "JY")
    desktop.go("/exams/banks/JY/")
    assert page.locator("table.questions tbody tr").count() == 3
    keep(desktop, "03-bank-three-questions")

    # 2. A paper rule on the bank: the judge section first, then the single-choice one.
    desktop.go(f"/exams/manage/rules/new/?bank={bank.pk}")
    page.fill("#id_name", "低压电工理论（三题）")
    page.fill("#id_duration_minutes", "20")
    page.fill("#id_pass_mark", "60")
    page.select_option("#id_sections-0-qtype", "judge")
    page.fill("#id_sections-0-points_each", "30")
    page.fill("#id_sections-0-medium_count", "2")
    with page.expect_navigation():
        page.click("#rule-form button[type=submit]")
    rule = PaperRule.objects.get(bank=bank)
    desktop.go(f"/exams/manage/rules/{rule.pk}/")
    page.select_option("#id_sections-1-qtype", "single")
    page.fill("#id_sections-1-points_each", "40")
    page.fill("#id_sections-1-medium_count", "1")
    with page.expect_navigation():
        page.click("#rule-form button[type=submit]")
    assert sorted(rule.sections.values_list("qtype", flat=True)) == ["judge", "single"]
    keep(desktop, "04-rule-saved")

    # A session from the rule that issues the certificate on passing.
    desktop.go("/exams/manage/new/")
    now = timezone.now()
    page.fill("#id_name", "2026年低压电工取证考试")
    page.select_option("#id_rule", str(rule.pk))
    page.fill("#id_opens_at", local(now - dt.timedelta(minutes=2)))
    page.fill("#id_closes_at", local(now + dt.timedelta(hours=2)))
    page.select_option("#id_certificate_type_code", CERTIFICATE_TYPE)
    # The answers and explanations shown as soon as the trainee submits.
    page.select_option("#id_show_answers", "immediately")
    keep(desktop, "05-session-form")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")
    session = ExamSession.objects.get(rule=rule)
    assert session.certificate_type_code == CERTIFICATE_TYPE
    assert page.url.endswith(f"/exams/manage/{session.code}/candidates/")

    # The trainee's ID number pasted onto the list; the session published.
    page.fill("#id_p-id_numbers", world.person_b.id_number)
    with page.expect_navigation():
        page.click("#paste-form button[type=submit]")
    assert list(session.candidates.values_list("person", flat=True)) == [world.person_b.pk]
    with page.expect_navigation():
        page.click("#publish")
    assert "已发布" in page.locator(".messages").inner_text()
    keep(desktop, "06-candidates-published")

    # 3. The trainee, on a phone: 我的考试, start, every answer right, submit, passed.
    p = phone.page
    phone.login(trainee.username, PASSWORD)
    phone.go("/")
    with p.expect_navigation():
        p.get_by_role("link", name="我的考试").first.click()
    keep(phone, "07-phone-my-exams")
    with p.expect_navigation():
        p.click(f"a[href='/exams/session/{session.code}/']")
    keep(phone, "08-phone-session")
    with p.expect_navigation():
        p.click("#start-form button[type=submit]")
    p.wait_for_selector("#exam")
    phone.assert_no_horizontal_overflow()
    keep(phone, "09-phone-exam")
    assert answer_everything_right(p) == 3
    p.click("#submit-exam")
    p.wait_for_selector("#confirm-submit[open]")
    with p.expect_navigation(url="**/result/"):
        p.click("#confirm-yes")
    assert p.locator(".big-score").inner_text().split()[0] == "100"
    assert "合格" in p.locator("main").inner_text()
    phone.assert_no_horizontal_overflow()
    keep(phone, "10-phone-result")

    # The review: each question with the trainee's answer, the right one and the 解析.
    with p.expect_navigation(url="**/review/"):
        p.click("#review-link a.btn")
    reviewed = p.locator("article.question.reviewed")
    assert reviewed.count() == 3
    assert p.locator("article.question.reviewed.right").count() == 3
    for explanation in EXPLAINED.values():
        assert p.locator(".explanation", has_text=explanation).count() == 1
    assert "正确答案" in p.locator(".answer-line").first.inner_text()
    phone.assert_no_horizontal_overflow()
    keep(phone, "10b-phone-review")

    # The theory pass alone issues nothing: a special-operation card needs the practical too.
    assert not Certificate.objects.filter(person=world.person_b).exists()

    # 4. The trainer records the practical exam from the session's results, on the web.
    desktop.go(f"/exams/manage/{session.code}/")
    with page.expect_navigation():
        page.click("a.practical-link")
    windows = page.locator("#windows").inner_text()
    assert "参加 特种作业操作证（低压电工作业） 实际操作考试" in windows
    page.select_option(
        "select[name=practical-certificate_type]", label="特种作业操作证（低压电工作业）"
    )
    page.fill("input[name=practical-examiner]", "李考评员")
    page.fill("input[name=practical-score]", "90")
    with page.expect_navigation():
        page.click("#practical-form button[type=submit]")
    assert "理论与实操均合格" in page.locator(".messages").inner_text()
    keep(desktop, "11a-practical-recorded")

    # 5. 我的证书 shows the new certificate with its QR code.
    phone.go("/")
    with p.expect_navigation():
        p.get_by_role("link", name="我的证书").first.click()
    card = p.locator(".mine article.card")
    assert card.count() == 1
    certificate = Certificate.objects.get(person=world.person_b)
    assert certificate.certificate_type.code == CERTIFICATE_TYPE
    assert certificate.number in card.inner_text()
    assert "特种作业操作证" in card.inner_text()
    phone.assert_no_horizontal_overflow()
    keep(phone, "11-phone-my-certificates")

    # The QR read from what the screen shows, as an inspector's camera would, and opened.
    qr_png = tmp_path / "qr.png"
    card.locator(".qr svg").screenshot(path=str(qr_png))
    [address] = read_qr_texts(qr_png)
    parts = urlsplit(address)
    assert parts.path.lower().startswith("/verify/"), address
    assert (parts.scheme + "://" + parts.netloc).lower() == phone.base_url.lower()
    phone.go(parts.path)
    banner = p.locator(".verdict-banner")
    assert banner.get_attribute("data-status") == "valid"
    assert "有效" in banner.inner_text()
    verified = p.locator("main").inner_text()
    # The public page names the holder and the certificate; the number (the ID number) is
    # masked in the middle.
    assert world.person_b.name in verified
    assert certificate.certificate_type.name in verified
    assert certificate.number[:7] in verified and certificate.number[-4:] in verified
    phone.assert_no_horizontal_overflow()
    keep(phone, "12-phone-verify-valid")
