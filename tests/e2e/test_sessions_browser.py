"""A trainer runs an exam session from the web only, start to results.

The trainer makes a paper rule (a section the bank cannot fill is refused beside it), a
session from it, chooses candidates by a roster filter and by pasted ID numbers (a bad line
is named and nothing is added until it is fixed), publishes, prints the admission tickets
(准考证); a trainee on a phone takes the exam; the trainer follows it live (the counts
refresh by themselves), grants extra time, and sees the result. Every workbench page is
shot at phone and desktop size and must not overflow a phone's width.
"""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from question_banks.models import Attempt, ExamSession, PaperRule, QuestionBank
from tests.e2e.conftest import PHONE, _session, wait_for
from tests.factories import EmploymentFactory, UserFactory
from tests.question_banks.conftest import add_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Where the screenshots are kept to be looked at (a scratch folder unless told otherwise).
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/shots/sessions"))


def keep(session, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(session.shot(name), SHOTS / f"{name}.png")


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def county():
    from tests.factories import build_world

    world = build_world()
    bank = QuestionBank.objects.create(
        code="DG", name="低压电工作业", training_body=world.trainer_body
    )
    for _n in range(6):
        add_question(bank, "judge", 2, correct=("A",))
    electrician = EmploymentFactory(enterprise=world.ent_b, post="低压电工").person
    trainee = UserFactory(username=world.person_b.id_number, person=world.person_b)
    return world, bank, electrician, trainee


def test_trainer_runs_a_session_from_an_empty_list_to_results(
    county, desktop, phone, browser, live_server, tmp_path
):
    world, bank, electrician, trainee = county
    page = desktop.page
    desktop.login("trainer_b", "pw-123456")

    # The workbench starts at the session list.
    desktop.go("/exams/manage/")
    keep(desktop, "desktop-01-sessions")
    page.click("text=组卷规则")
    page.select_option("#new-rule-bank", str(bank.pk))
    with page.expect_navigation():
        page.click("#new-rule-bank ~ button, form.wb-inline-form button")

    # A section asking for more than the bank has is refused beside that section.
    page.fill("#id_name", "低压电工理论（网上）")
    page.fill("#id_duration_minutes", "30")
    page.fill("#id_pass_mark", "60")
    page.select_option("#id_sections-0-qtype", "judge")
    page.fill("#id_sections-0-points_each", "20")
    page.fill("#id_sections-0-medium_count", "9")
    with page.expect_navigation():
        page.click("#rule-form button[type=submit]")
    error = page.locator("fieldset.wb-part.has-error .error").first.inner_text()
    assert "9" in error and "6" in error, error
    assert page.input_value("#id_name") == "低压电工理论（网上）"
    keep(desktop, "desktop-02-rule-shortage")
    assert not PaperRule.objects.exists()
    page.fill("#id_sections-0-medium_count", "5")
    with page.expect_navigation():
        page.click("#rule-form button[type=submit]")
    rule = PaperRule.objects.get()
    assert rule.sections.get().count == 5
    keep(desktop, "desktop-03-rule-saved")

    # A session from the rule, open now for two hours, with an access code.
    desktop.go("/exams/manage/")
    with page.expect_navigation():
        page.click("text=新建考试场次")
    now = timezone.now()
    page.fill("#id_name", "2026年第9期低压电工考试")
    page.select_option("#id_rule", str(rule.pk))
    page.fill("#id_opens_at", local(now - dt.timedelta(minutes=2)))
    page.fill("#id_closes_at", local(now + dt.timedelta(hours=2)))
    page.fill("#id_access_code", "2468")
    keep(desktop, "desktop-04-session-form")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")
    session = ExamSession.objects.get()
    assert page.url.endswith(f"/exams/manage/{session.code}/candidates/")
    assert session.region == world.township_b

    # Candidates by a roster filter, then by pasted ID numbers with a bad line.
    page.fill("#id_f-post", "电工")
    with page.expect_navigation():
        page.click("#filter-form button[type=submit]")
    assert list(session.candidates.values_list("person", flat=True)) == [electrician.pk]
    pasted = f"{world.person_b.id_number}\n12345"
    page.fill("#id_p-id_numbers", pasted)
    with page.expect_navigation():
        page.click("#paste-form button[type=submit]")
    problems = page.locator(".wb-problems li").all_inner_texts()
    assert len(problems) == 1 and problems[0].startswith("第 2 行"), problems
    assert page.input_value("#id_p-id_numbers") == pasted
    assert session.candidates.count() == 1
    keep(desktop, "desktop-05-paste-error")
    page.fill("#id_p-id_numbers", world.person_b.id_number)
    with page.expect_navigation():
        page.click("#paste-form button[type=submit]")
    assert session.candidates.count() == 2
    with page.expect_navigation():
        page.click("#publish")
    session.refresh_from_db()
    assert session.is_published
    assert "已发布" in page.locator(".messages").inner_text()
    keep(desktop, "desktop-06-candidates")

    # The admission tickets: a PDF in the shipped font, looked at as an image.
    pdf = page.request.get(f"{live_server.url}/exams/manage/{session.code}/admission.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (SHOTS / "admission.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                str(SHOTS / "admission.pdf"),
                str(SHOTS / "admission"),
            ],
            check=True,
        )

    # The trainer watches live; the trainee starts on a phone and the counts follow.
    desktop.go(f"/exams/manage/{session.code}/live/")
    assert page.inner_text('[data-count="writing"]') == "0"
    page.evaluate("document.getElementById('live').dataset.interval = '1000'")
    phone.login(trainee.username, "pw-123456")
    phone.go(f"/exams/session/{session.code}/")
    phone.page.fill("#access-code", "2468")
    with phone.page.expect_navigation():
        phone.page.click("#start-form button[type=submit]")
    phone.page.wait_for_selector("#exam")
    phone.assert_no_horizontal_overflow()
    keep(phone, "phone-07-exam")
    wait_for(page, "document.querySelector('[data-count=\"writing\"]').textContent === '1'", 25_000)
    row = f"#live-list tr[data-candidate='{session.candidates.get(person=world.person_b).pk}']"
    wait_for(page, f"document.querySelector(\"{row} [data-state]\").textContent === '答题中'")
    keep(desktop, "desktop-08-live")

    # Extra time for the trainee, with its reason: their running deadline moves.
    attempt = Attempt.objects.get(person=world.person_b, session=session)
    before = attempt.deadline
    page.click(f"tr:has-text('{world.person_b.name}') >> text=延时/加考")
    page.fill("#id_extra_minutes", "10")
    page.fill("#id_reason", "视力障碍，需放大字体")
    keep(desktop, "desktop-09-grant")
    with page.expect_navigation():
        page.click("#grant-form button[type=submit]")
    attempt.refresh_from_db()
    assert attempt.deadline == before + dt.timedelta(minutes=10)

    # The trainee answers and submits; the trainer sees the result.
    for _n in range(5):
        article = phone.page.locator("article.question:visible")
        article.locator("label.choice").first.click()
        next_button = article.locator("[data-next]")
        if next_button.count() and next_button.is_visible():
            next_button.click()
    phone.page.click("#submit-exam")
    phone.page.wait_for_selector("#confirm-submit[open]")
    with phone.page.expect_navigation(url="**/result/"):
        phone.page.click("#confirm-yes")
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    desktop.go(f"/exams/manage/{session.code}/live/")
    assert page.inner_text('[data-count="finished"]') == "1"
    desktop.go(f"/exams/manage/{session.code}/")
    assert world.person_b.name in page.inner_text("table")
    keep(desktop, "desktop-10-results")

    # Every workbench page at a phone's width, read by the trainer on the go.
    context, trainer_phone = _session(browser, live_server, tmp_path, PHONE, mobile=True)
    try:
        trainer_phone.login("trainer_b", "pw-123456")
        for name, path in [
            ("sessions", "/exams/manage/"),
            ("rules", "/exams/manage/rules/"),
            ("rule", f"/exams/manage/rules/{rule.pk}/"),
            ("session", f"/exams/manage/{session.code}/edit/"),
            ("candidates", f"/exams/manage/{session.code}/candidates/"),
            ("live", f"/exams/manage/{session.code}/live/"),
            ("results", f"/exams/manage/{session.code}/"),
        ]:
            trainer_phone.go(path)
            trainer_phone.assert_no_horizontal_overflow()
            keep(trainer_phone, f"phone-trainer-{name}")
        assert not trainer_phone.csp_violations
    finally:
        context.close()
    assert desktop.off_site_requests() == []
