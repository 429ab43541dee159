"""Question upload on the web: /exams/banks/<code>/import/ — the check page, the import of
the good questions, the template, ownership, and the background path with its progress."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from question_banks.models import Question, QuestionBank, QuestionImportJob
from question_banks.services.import_jobs import (
    question_import_job_confirm,
    question_import_job_create,
    question_import_job_progress,
)

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parent / "data" / "imports" / "aiken_with_bad_rows.txt"


@pytest.fixture
def trainer(client, world):
    client.force_login(world.trainer)
    return client


@pytest.fixture
def empty_bank(world):
    return QuestionBank.objects.create(
        code="EMPTY", name="空题库", training_body=world.trainer_body
    )


def upload(client, bank, data=None, name="aiken.txt", fmt=""):
    content = FILE.read_bytes() if data is None else data
    return client.post(
        reverse("question_banks:bank_import", args=[bank.code]),
        {"file": SimpleUploadedFile(name, content), "fmt": fmt},
    )


def test_the_upload_page_offers_the_template(trainer, empty_bank):
    response = trainer.get(reverse("question_banks:bank_import", args=[empty_bank.code]))
    assert response.status_code == 200
    template = trainer.get(reverse("question_banks:bank_import_template", args=[empty_bank.code]))
    sheet = load_workbook(filename=__import__("io").BytesIO(template.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["题型", "题干"]


def test_the_check_page_lists_bad_rows_and_near_duplicates_and_writes_nothing(trainer, empty_bank):
    response = upload(trainer, empty_bank)
    job = QuestionImportJob.objects.get()
    assert response.url == reverse("question_banks:bank_import_job", args=[empty_bank.code, job.pk])
    page = trainer.get(response.url)
    assert page.context["bad_rows"] == 1 and page.context["valid"] == 3
    # The unfinished question is reported at its own first line.
    assert [e["row"] for e in page.context["errors"]] == [14]
    assert [w["row"] for w in page.context["warnings"]] == [20]
    assert "100%" in page.context["warnings"][0]["reason"]
    assert not Question.objects.filter(bank=empty_bank).exists()


def test_importing_the_good_rows_writes_them_all_and_drops_the_file(trainer, empty_bank):
    url = upload(trainer, empty_bank).url
    trainer.post(url)
    assert Question.objects.filter(bank=empty_bank).count() == 3
    job = QuestionImportJob.objects.get()
    assert job.status == "done" and job.report["created"] == 3 and bytes(job.data) == b""
    trainer.post(url)  # a second press imports nothing more
    assert Question.objects.filter(bank=empty_bank).count() == 3


def test_an_unrecognised_file_is_answered_beside_the_field(trainer, empty_bank):
    response = upload(trainer, empty_bank, data=b"just some words", name="notes.bin")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not QuestionImportJob.objects.exists()


def test_another_owners_bank_is_not_found(client, world):
    other = QuestionBank.objects.create(code="OTHER", name="别人的题库")  # the system's
    client.force_login(world.trainer)
    assert client.get(reverse("question_banks:bank_import", args=[other.code])).status_code == 404
    assert upload(client, other).status_code == 404


def test_the_service_refuses_another_owners_bank_whoever_calls_it(world):
    other = QuestionBank.objects.create(code="OTHER", name="别人的题库")
    with pytest.raises(PermissionDenied):
        question_import_job_create(
            actor=world.trainer, bank=other, filename="a.txt", data=FILE.read_bytes()
        )


def test_only_the_uploader_may_import_their_upload(world, empty_bank):
    job = question_import_job_create(
        actor=world.trainer, bank=empty_bank, filename="a.txt", data=FILE.read_bytes()
    )
    with pytest.raises(PermissionDenied):
        question_import_job_confirm(actor=world.enterprise_admin, job=job)
    assert not Question.objects.filter(bank=empty_bank).exists()


def test_a_large_file_is_checked_and_imported_by_a_task_with_progress(
    world, empty_bank, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_BYTES = 10  # every file is "large"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = question_import_job_create(
            actor=world.trainer, bank=empty_bank, filename="a.txt", data=FILE.read_bytes()
        )
    assert job.status == "checking" and len(queued) == 1
    assert question_import_job_progress(job)["running"]
    for callback in queued:
        callback()  # the task, eager in tests
    job.refresh_from_db()
    assert job.status == "checked" and job.report["valid"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        question_import_job_confirm(actor=world.trainer, job=job)
    job.refresh_from_db()
    assert job.status == "done"
    assert Question.objects.filter(bank=empty_bank).count() == 3


def test_the_progress_endpoint_answers_json(trainer, empty_bank):
    url = upload(trainer, empty_bank).url
    data = trainer.get(url + "progress.json").json()
    assert data["status"] == "checked" and data["running"] is False


def test_the_bad_rows_download_as_csv(trainer, empty_bank):
    url = upload(trainer, empty_bank).url
    lines = trainer.get(url + "bad-rows.csv").content.decode("utf-8-sig").splitlines()
    assert lines[0] == "行号,列,内容,问题"
    assert lines[1].startswith("14,ANSWER（答案）行,E,")
