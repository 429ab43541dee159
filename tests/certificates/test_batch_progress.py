"""A batch's progress is written every few PDFs (or every half second), not once per PDF,
always at the end, and a batch whose worker died is rendered again in full
(certificates/services/batches.py)."""

from __future__ import annotations

import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import CertificateType, PdfBatch
from certificates.services import batches
from certificates.services.batches import PROGRESS_EVERY, pdf_batch_create, pdf_batch_run
from certificates.services.issuing import certificate_issue
from tests.factories import exams_elsewhere

pytestmark = pytest.mark.django_db
SIZE = 60  # entries in the batch: more than two PROGRESS_EVERY


@pytest.fixture
def big_batch(world):
    """A batch of SIZE entries: two certificates asked for again and again (each entry is
    rendered and zipped under its own name), with a fast stand-in for the PDF."""
    certificates = [
        certificate_issue(
            person=person,
            ctype=CertificateType.objects.get(code="TZ-DG"),
            actor=world.system_admin,
            elsewhere=exams_elsewhere(),
        )
        for person in (world.person_a, world.person_b)
    ]
    batch = pdf_batch_create(user=world.enterprise_admin, certificates=certificates, title="大批")
    ids = [c.pk for c in certificates] * (SIZE // 2)
    PdfBatch.objects.filter(pk=batch.pk).update(certificate_ids=ids, total=SIZE)
    return batch


@pytest.fixture
def seen(monkeypatch):
    """The progress a polling page reads from the database as each PDF is rendered."""
    polled: list[int] = []

    def render(certificate, variant):
        polled.append(PdfBatch.objects.values_list("done", flat=True).get())
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(batches, "certificate_pdf", render)
    return polled


def _progress_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith("UPDATE") and "pdfbatch" in q["sql"] and '"done" =' in q["sql"]
    )


def test_a_fast_batch_writes_its_progress_every_few_pdfs_and_at_the_end(
    big_batch, seen, monkeypatch
):
    monkeypatch.setattr(batches, "monotonic", lambda: 100.0)  # every PDF is instant
    with CaptureQueriesContext(connection) as queries:
        pdf_batch_run(big_batch.pk)
    # The claim, a write every PROGRESS_EVERY PDFs, the finish: not one per PDF.
    assert _progress_writes(queries.captured_queries) == 1 + SIZE // PROGRESS_EVERY + 1
    assert seen[PROGRESS_EVERY] == PROGRESS_EVERY  # a page polling then sees it move
    assert seen[PROGRESS_EVERY - 1] == 0
    big_batch.refresh_from_db()
    assert big_batch.status == PdfBatch.Status.DONE and big_batch.done == SIZE


def test_a_slow_batch_still_shows_each_pdf_after_half_a_second(big_batch, seen, monkeypatch):
    ticks = iter(range(0, 10_000))
    monkeypatch.setattr(batches, "monotonic", lambda: float(next(ticks)))  # a second a PDF
    pdf_batch_run(big_batch.pk)
    assert seen == list(range(SIZE))  # each PDF found the one before it written
    big_batch.refresh_from_db()
    assert big_batch.done == SIZE


def test_a_batch_whose_worker_died_between_progress_writes_is_rendered_again_in_full(
    big_batch, seen, monkeypatch
):
    monkeypatch.setattr(batches, "monotonic", lambda: 100.0)
    # The worker died after its second progress write, some PDFs past it.
    PdfBatch.objects.filter(pk=big_batch.pk).update(
        status=PdfBatch.Status.RUNNING, done=2 * PROGRESS_EVERY
    )
    pdf_batch_run(big_batch.pk)
    assert seen[0] == 0  # started again from the first PDF, nothing skipped
    big_batch.refresh_from_db()
    assert big_batch.status == PdfBatch.Status.DONE and big_batch.done == SIZE
    with big_batch.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        assert len(archive.namelist()) == SIZE
