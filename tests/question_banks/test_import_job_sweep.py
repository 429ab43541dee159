"""A question import whose worker died (or whose task never reached one) does not stay
"importing" forever: the beat's sweep gives it back to its owner, who sees why on the check
page and imports again; a check stuck so long fails with a reason."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from question_banks.models import Question, QuestionImportJob
from question_banks.services.import_jobs import (
    question_import_job_confirm,
    question_import_job_create,
    question_import_jobs_sweep,
)
from question_banks.tasks import question_import_jobs_sweep_task

from .test_bank_import import FILE, empty_bank, trainer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_import(world, empty_bank, settings, django_capture_on_commit_callbacks):  # noqa: F811
    """A large file checked, then its import sent to a worker that never ran it."""
    settings.IMPORT_BACKGROUND_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        job = question_import_job_create(
            actor=world.trainer, bank=empty_bank, filename="a.txt", data=FILE.read_bytes()
        )
    with django_capture_on_commit_callbacks(execute=False):  # the task is lost
        question_import_job_confirm(actor=world.trainer, job=job)
    job.refresh_from_db()
    assert job.status == QuestionImportJob.Status.IMPORTING
    return job


def _later(seconds: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def test_the_sweep_is_on_beats_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "question_banks.tasks.question_import_jobs_sweep_task" in tasks


def test_an_import_within_the_bound_is_left_running(lost_import, settings):
    assert question_import_jobs_sweep(now=_later(settings.QUESTION_IMPORT_STALE_SECONDS - 60)) == 0
    lost_import.refresh_from_db()
    assert lost_import.status == QuestionImportJob.Status.IMPORTING


def test_a_stuck_import_is_given_back_and_its_owner_imports_again(
    lost_import,
    settings,
    trainer,  # noqa: F811
    empty_bank,  # noqa: F811
):
    assert question_import_jobs_sweep(now=_later(settings.QUESTION_IMPORT_STALE_SECONDS + 60)) == 1
    lost_import.refresh_from_db()
    assert lost_import.status == QuestionImportJob.Status.CHECKED
    assert not Question.objects.filter(bank=empty_bank).exists()

    url = reverse("question_banks:bank_import_job", args=[empty_bank.code, lost_import.pk])
    page = trainer.get(url).content.decode()
    assert 'id="import-interrupted"' in page
    assert "导入未完成" in page and 'id="import-good"' in page

    settings.IMPORT_BACKGROUND_BYTES = 10**9  # done in the request this time
    trainer.post(url)
    lost_import.refresh_from_db()
    assert lost_import.status == QuestionImportJob.Status.DONE
    assert "interrupted" not in lost_import.report
    assert Question.objects.filter(bank=empty_bank).count() == 3


def test_a_stuck_check_fails_with_a_reason(world, empty_bank, settings):  # noqa: F811
    settings.IMPORT_BACKGROUND_BYTES = 10
    job = question_import_job_create(  # the check's task is never run
        actor=world.trainer, bank=empty_bank, filename="a.txt", data=FILE.read_bytes()
    )
    assert job.status == QuestionImportJob.Status.CHECKING
    assert question_import_jobs_sweep(now=_later(settings.QUESTION_IMPORT_STALE_SECONDS + 60)) == 1
    job.refresh_from_db()
    assert job.status == QuestionImportJob.Status.FAILED
    assert "检查未完成" in job.report["failure"]


def test_the_beat_task_sweeps_nothing_twice(lost_import, settings):
    settings.QUESTION_IMPORT_STALE_SECONDS = -1  # every running job is stuck
    assert question_import_jobs_sweep_task.apply().get() == 1
    assert question_import_jobs_sweep_task.apply().get() == 0
