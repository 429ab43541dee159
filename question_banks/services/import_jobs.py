"""Question files uploaded on the web: upload -> check page -> "import the good rows".

The steps are the import framework's (documents.imports) with questions_import as the
service: the check is a dry run of the very import that follows, so the check page lists
every bad row, every skipped question and every near-duplicate before anything is written,
and the import writes the good questions all at once or not at all.

A file larger than ``settings.IMPORT_BACKGROUND_BYTES`` is checked and imported by a Celery
task (enqueued once the job is committed, and run here when the broker cannot be reached);
its page shows a progress bar fed by :func:`question_import_job_progress`. Progress lives in
the cache, not the job's row: the import runs in one transaction, which nobody outside it
sees until it commits. A smaller file is done within the request.

A job whose worker died, or whose task never reached one, would wait forever: the sweep
(question_import_jobs_sweep, every few minutes from beat) hands an import stuck past
``settings.QUESTION_IMPORT_STALE_SECONDS`` (well beyond the tasks' hard time limit, so its
worker is surely gone; the import is one transaction, so it wrote nothing) back to its
owner's check page with a note, to import again; a check stuck so long fails with a reason.

Ownership (ARCHITECTURE.md rule 10): only someone who may change the bank may upload into it
or import, and only the uploader may import their upload (permissions.bank_can_change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.errors import FileProblem
from documents.sheets import check_size
from question_banks.imports import FORMATS, UnknownFormat, detect_format, parse_file
from question_banks.imports.model import ParseResult, plain_text
from question_banks.models import QuestionBank, QuestionImportJob
from question_banks.services.imports import ImportReport, questions_import
from question_banks.services.permissions import bank_can_change, require

if TYPE_CHECKING:
    from roster.models import User

Status = QuestionImportJob.Status
_PROGRESS_SECONDS = 3600
_STEM_SHOWN = 60


class ImportJobError(ValueError):
    """A refusal the uploader reads beside the file field (already translated)."""


def question_import_job_create(
    *, actor: User, bank: QuestionBank, filename: str, data: bytes, fmt: str = ""
) -> QuestionImportJob:
    """Keep the upload and check it (now, or in a task for a large file)."""
    require(bank_can_change(actor, bank), _("You may only import into your own question banks."))
    try:
        check_size(len(data))
    except FileProblem as exc:
        raise ImportJobError(str(exc)) from exc
    if fmt and fmt not in FORMATS:
        raise ImportJobError(_("Unknown format."))
    fmt = fmt or detect_format(data[:8192], filename) or ""
    if not fmt:
        raise ImportJobError(
            _(
                "The file's format was not recognised: upload the Excel template (.xlsx), "
                "Moodle XML, GIFT or Aiken, or choose the format."
            )
        )
    with transaction.atomic():
        job = QuestionImportJob.objects.create(
            bank=bank, requested_by=actor, filename=filename[:200], fmt=fmt, data=data
        )
        background = _in_background(job, "check")
    if not background:
        job = question_import_job_check(job.pk) or job
    return job


def question_import_job_confirm(*, actor: User, job: QuestionImportJob) -> QuestionImportJob:
    """Import the good questions of a checked upload."""
    require(
        bank_can_change(actor, job.bank) and job.requested_by_id == actor.pk,
        _("You may only import into your own question banks."),
    )
    with transaction.atomic():
        job = QuestionImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.CHECKED:
            raise ImportJobError(_("This upload was already imported, or is not checked yet."))
        if not job.report.get("valid"):
            raise ImportJobError(_("The file has no valid question to import."))
        job.status = Status.IMPORTING
        job.import_started_at = timezone.now()
        job.report.pop("interrupted", None)
        job.save(update_fields=["status", "import_started_at", "report"])
        background = _in_background(job, "run")
    if not background:
        job = question_import_job_run(job.pk) or job
    return job


def _in_background(job: QuestionImportJob, step: str) -> bool:
    """A large file goes to a task once the job is committed (True); a small one is done by
    the caller, in the request (False)."""
    if len(job.data) <= settings.IMPORT_BACKGROUND_BYTES:
        return False
    from config.celery import send_on_commit

    # Named, not imported: tasks.py imports this module for the work itself. The broker
    # away: run here (the upload page then waits for it); failing that too, logged, and
    # the job stays where it was for its owner to start again.
    send_on_commit(
        f"question_banks.tasks.question_import_{step}_task",
        job.pk,
        sweep="none: the job waits for its owner to start it again",
    )
    return True


def _progress_key(job_id: int) -> str:
    return f"question-import-progress:{job_id}"


def _progress(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (done, total), _PROGRESS_SECONDS)

    return report


def question_import_job_progress(job: QuestionImportJob) -> dict:
    """What the check page's progress bar polls."""
    done, total = cache.get(_progress_key(job.pk)) or (0, 0)
    if not job.running:
        done = total = max(total, 1)
    return {"status": job.status, "done": done, "total": total, "running": job.running}


def _parse(job: QuestionImportJob) -> ParseResult:
    try:
        return parse_file(bytes(job.data), job.filename, job.fmt)
    except UnknownFormat as exc:
        raise ImportJobError(_("Unknown format.")) from exc
    except FileProblem as exc:
        raise ImportJobError(str(exc)) from exc


def _claim(job_id: int, status: str) -> QuestionImportJob | None:
    """The job when it waits for this step; None when it is done already (a task run twice)."""
    return (
        QuestionImportJob.objects.select_related("bank", "requested_by")
        .filter(pk=job_id, status=status)
        .first()
    )


def question_import_job_check(job_id: int) -> QuestionImportJob | None:
    """Read the file and dry-run the import; the report is what the check page shows."""
    job = _claim(job_id, Status.CHECKING)
    if job is None:
        return None
    try:
        result = _parse(job)
        report = questions_import(
            bank=job.bank,
            result=result,
            actor=job.requested_by,
            only_valid=True,
            dry_run=True,
            source=job.filename,
            progress=_progress(job.pk),
        )
    except ImportJobError as exc:
        return _fail(job, str(exc))
    job.report = _report_json(result, report)
    job.status = Status.CHECKED
    job.save(update_fields=["report", "status"])
    return job


def question_import_job_run(job_id: int) -> QuestionImportJob | None:
    """Import the good questions, all at once; the upload's bytes are dropped afterwards."""
    job = _claim(job_id, Status.IMPORTING)
    if job is None:
        return None
    try:
        report = questions_import(
            bank=job.bank,
            result=_parse(job),
            actor=job.requested_by,
            only_valid=True,
            dry_run=False,
            source=job.filename,
            progress=_progress(job.pk),
        )
    except ImportJobError as exc:
        return _fail(job, str(exc))
    job.report = {**job.report, "created": report.created}
    job.status = Status.DONE
    job.data = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "status", "data", "finished_at"])
    return job


def _fail(job: QuestionImportJob, message: str) -> QuestionImportJob:
    job.status = Status.FAILED
    job.report = {**job.report, "failure": message}
    job.data = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "data", "finished_at"])
    return job


def _report_json(result: ParseResult, report: ImportReport) -> dict:
    """The check page's report: bad rows, skipped questions and near-duplicates as warnings
    (row, column, value, reason: the framework's shape)."""
    questions = result.questions
    warnings = []
    for near in report.near_duplicates:
        question = questions[near.index]
        values = {"similarity": f"{near.similarity:.0%}"}
        if near.existing_key is not None:
            reason = _("%(similarity)s like question #%(key)s already in the bank.") % {
                **values,
                "key": near.existing_key,
            }
        else:
            other = questions[near.other_index]
            reason = _("%(similarity)s like the question on row %(row)s of this file.") % {
                **values,
                "row": other.source.line or near.other_index + 1,
            }
        warnings.append(_issue(question.source.line, _("Stem"), question.stem, reason))
    for skipped in report.skipped:
        warnings.append(
            _issue(skipped.line, skipped.type, skipped.name, _("Skipped: %s") % skipped.reason)
        )
    # Remarks of the parsers that stop nothing (a picture only a feedback used, and the like).
    warnings.extend(_issue(n.row, n.column, n.value, n.reason) for n in report.notes)
    return {
        "valid": report.valid,
        "errors": [_issue(e.row, e.column, e.value, e.reason) for e in report.errors],
        "warnings": warnings,
    }


def _issue(row: int | None, column: object, value: object, reason: object) -> dict:
    text = plain_text(str(value or ""))
    if len(text) > _STEM_SHOWN:
        text = text[:_STEM_SHOWN] + "…"
    return {"row": row, "column": str(column or ""), "value": text, "reason": str(reason)}


def question_import_jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Give back the jobs whose worker is gone (see the module's docstring); how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.QUESTION_IMPORT_STALE_SECONDS)
    swept = 0
    with transaction.atomic():
        stuck = QuestionImportJob.objects.select_for_update(skip_locked=True).filter(
            Q(status=Status.IMPORTING)
            & (Q(import_started_at__lt=cutoff) | Q(import_started_at=None, created_at__lt=cutoff))
            | Q(status=Status.CHECKING, created_at__lt=cutoff)
        )
        for job in stuck:
            if job.status == Status.IMPORTING:
                job.status = Status.CHECKED
                job.report = {
                    **job.report,
                    "interrupted": _(
                        "The import did not finish (the server's background worker stopped) "
                        "and no question was written. Import again."
                    ),
                }
                job.save(update_fields=["status", "report"])
            else:
                _fail(
                    job,
                    _(
                        "The check did not finish (the server's background worker stopped). "
                        "Upload the file again."
                    ),
                )
            swept += 1
    return swept
