"""Imports in a real browser, through the web only.

A trainer uploads a question file with a bad row and a near-duplicate into an empty bank,
sees both on the check page, and imports the good questions (on a laptop; the pages are
looked at on a phone too). A county regulator imports an enterprise directory with a bad row
and a row outside the county, imports the good rows, and exports the directory.
Screenshots of each step at both sizes go to /tmp/shots/imports/ as well.
"""

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from question_banks.models import Question, QuestionBank
from roster.models import Enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-123456"
TESTS = Path(__file__).resolve().parent.parent
QUESTIONS = TESTS / "question_banks" / "data" / "imports" / "aiken_with_bad_rows.txt"
ENTERPRISES = TESTS / "roster" / "data" / "enterprises.csv"
SHOTS = Path("/tmp/shots/imports")


def keep(session, name: str) -> None:
    """A screenshot of the page, kept where people look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(session.shot(name), SHOTS / f"{name}.png")


@pytest.fixture
def bank(world):
    return QuestionBank.objects.create(
        code="DG-NEW", name="低压电工新题库", training_body=world.trainer_body
    )


def upload_questions(session, bank, size: str):
    session.go(f"/exams/banks/{bank.code}/import/")
    keep(session, f"questions-1-upload-{size}")
    session.assert_no_horizontal_overflow()
    page = session.page
    page.set_input_files("#id_file", str(QUESTIONS))
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    text = page.locator("main").inner_text()
    assert "答案中的字母不是本题的选项" in text  # the bad row, in Chinese
    assert "14" in page.locator("#bad-rows").inner_text()
    assert "相似度 100%" in page.locator("#warnings").inner_text()  # the near-duplicate
    keep(session, f"questions-2-check-{size}")
    session.assert_no_horizontal_overflow()


def test_a_trainer_uploads_questions_sees_the_bad_rows_and_imports_the_good_ones(
    world, bank, desktop, phone
):
    phone.login("trainer_b", PASSWORD)
    upload_questions(phone, bank, "phone")
    assert not Question.objects.filter(bank=bank).exists()  # checking wrote nothing

    desktop.login("trainer_b", PASSWORD)
    upload_questions(desktop, bank, "desktop")
    page = desktop.page
    with page.expect_navigation():
        page.click("#import-good")
    assert "已导入 3 道试题" in page.locator("main").inner_text()
    keep(desktop, "questions-3-done-desktop")
    assert Question.objects.filter(bank=bank).count() == 3

    phone.go(page.url.removeprefix(desktop.base_url))
    assert "已导入 3 道试题" in phone.page.locator("main").inner_text()
    keep(phone, "questions-3-done-phone")
    phone.assert_no_horizontal_overflow()


def check_enterprises(session, size: str):
    page = session.page
    session.go("/roster/")
    with page.expect_navigation():
        page.click("nav.nav >> text=名录")
    keep(session, f"directory-1-upload-{size}")
    session.assert_no_horizontal_overflow()
    page.set_input_files("#id_file", str(ENTERPRISES))
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    bad = page.locator("#bad-rows").inner_text()
    assert "该地区不在您的辖区内" in bad  # 白石县, another county
    assert "91990102MA0001004Y" in bad  # the wrong check character
    keep(session, f"directory-2-check-{size}")
    session.assert_no_horizontal_overflow()


def test_a_regulator_imports_an_enterprise_directory_with_a_bad_row_and_exports_it(
    world, desktop, phone
):
    phone.login("regulator_county", PASSWORD)
    check_enterprises(phone, "phone")

    desktop.login("regulator_county", PASSWORD)
    check_enterprises(desktop, "desktop")
    page = desktop.page
    with page.expect_navigation():
        page.click("form.actions button[type=submit]")
    assert "已导入：新增 2" in page.locator(".messages").inner_text()
    keep(desktop, "directory-3-done-desktop")
    assert Enterprise.objects.filter(uscc="91990102MA0001001L").exists()
    assert not Enterprise.objects.filter(uscc="91990103MA00010039").exists()

    with page.expect_download() as download_info:
        page.click("#export")
    content = Path(download_info.value.path()).read_bytes()
    sheet = load_workbook(BytesIO(content)).active
    credit_codes = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "91990102MA0001001L" in credit_codes
    assert world.ent_other.uscc not in credit_codes  # another county's


def test_a_large_upload_shows_a_progress_bar_until_the_worker_has_checked_it(
    world, bank, desktop, settings
):
    """The page of a job a worker has not finished polls its JSON endpoint (a script from
    static, under the site's CSP) and shows the check as soon as the job is checked."""
    from question_banks.models import QuestionImportJob
    from question_banks.services.import_jobs import question_import_job_check

    job = QuestionImportJob.objects.create(
        bank=bank,
        requested_by=world.trainer,
        filename="big.txt",
        fmt="aiken",
        data=QUESTIONS.read_bytes(),
    )  # as queued for a worker: status "checking"
    desktop.login("trainer_b", PASSWORD)
    desktop.go(f"/exams/banks/{bank.code}/import/{job.pk}/")
    page = desktop.page
    assert page.locator("progress.import-progress").is_visible()
    assert "正在检查文件" in page.locator("main").inner_text()
    keep(desktop, "questions-0-progress-desktop")
    question_import_job_check(job.pk)  # the worker
    page.wait_for_selector("#bad-rows", timeout=15_000)  # the page reloaded by itself
    assert "只导入 3 道合格试题" in page.locator("main").inner_text()
