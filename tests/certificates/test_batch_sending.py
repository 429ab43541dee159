"""A PDF batch's render is sent after the commit through config.celery.send_on_commit: a
broker that refuses leaves the batch rendered here, and an error even there is logged, never
raised at the request whose batch has committed (it was a bare on_commit + send_or_run)."""

import logging

import pytest
from celery.app.task import Task
from kombu.exceptions import OperationalError

from certificates.models import Certificate, CertificateType, PdfBatch
from certificates.services.batches import pdf_batch_create
from certificates.services.issuing import certificate_issue
from config.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_refuses(monkeypatch):
    saved = app.conf.task_always_eager
    app.conf.update(task_always_eager=False)
    sent: list[str] = []

    def refuse(self, *args, **kwargs):
        sent.append(self.name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    yield sent
    app.conf.update(task_always_eager=saved)


@pytest.fixture
def certificate(world) -> Certificate:
    return certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )


def test_a_refused_render_runs_here_after_the_commit(
    world, certificate, broker_refuses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        batch = pdf_batch_create(user=world.enterprise_admin, certificates=[certificate], title="t")
        assert PdfBatch.objects.get(pk=batch.pk).status == PdfBatch.Status.QUEUED
    assert len(hooks) == 1
    assert broker_refuses == ["certificates.tasks.render_pdf_batch_task"]
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.DONE and batch.done == 1


def test_an_error_after_the_commit_is_logged_not_raised(
    world, certificate, broker_refuses, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the inline run blew up")

    monkeypatch.setattr(Task, "apply", broken)
    with (
        caplog.at_level(logging.WARNING, logger="config.celery"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch = pdf_batch_create(user=world.enterprise_admin, certificates=[certificate], title="t")
    assert PdfBatch.objects.filter(pk=batch.pk).exists()  # committed and answered
    assert "render_pdf_batch_task" in caplog.text
