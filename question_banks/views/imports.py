"""Question upload for a bank the user may change: /exams/banks/<code>/import/.

Upload -> the job's check page (a progress bar while a large file is checked in the
background; then every bad row, skipped question and near-duplicate) -> "import the good
rows". The work is question_banks.services.import_jobs; these views parse and render.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.imports.badrows import bad_rows_csv
from question_banks.exports import excel
from question_banks.models import QuestionBank, QuestionImportJob
from question_banks.services.import_jobs import (
    ImportJobError,
    question_import_job_confirm,
    question_import_job_create,
    question_import_job_progress,
)
from question_banks.services.permissions import banks_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class QuestionUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Question file"),
        help_text=gettext_lazy(
            "The Excel template (.xlsx), Moodle XML (.xml), GIFT or Aiken (.txt)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xml,.txt,.gift"}),
    )
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[
            ("", gettext_lazy("Recognise from the file")),
            ("xlsx", gettext_lazy("Excel template")),
            ("moodle", "Moodle XML"),
            ("gift", "GIFT"),
            ("aiken", "Aiken"),
        ],
    )


def _bank(request, code: str) -> QuestionBank:
    """The bank, when the user may change it; another owner's bank is not found (404)."""
    bank = banks_for(request.user).filter(code=code).first()
    if bank is None:
        raise Http404(_("No question bank of yours has this code."))
    return bank


def _job(request, bank: QuestionBank, pk: int) -> QuestionImportJob:
    return get_object_or_404(QuestionImportJob, pk=pk, bank=bank, requested_by=request.user)


@login_required
def bank_import(request, code: str):
    bank = _bank(request, code)
    form = QuestionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = question_import_job_create(
                actor=request.user,
                bank=bank,
                filename=upload.name,
                data=upload.read(),
                fmt=form.cleaned_data["fmt"],
            )
        except ImportJobError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("question_banks:bank_import_job", code=bank.code, pk=job.pk)
    recent = QuestionImportJob.objects.filter(bank=bank, requested_by=request.user)[:5]
    return render(
        request, "question_banks/bank_import.html", {"bank": bank, "form": form, "recent": recent}
    )


@login_required
def bank_import_job(request, code: str, pk: int):
    bank = _bank(request, code)
    job = _job(request, bank, pk)
    if request.method == "POST":
        try:
            job = question_import_job_confirm(actor=request.user, job=job)
        except ImportJobError as exc:
            messages.error(request, str(exc))
        return redirect("question_banks:bank_import_job", code=bank.code, pk=job.pk)
    report = job.report or {}
    errors = report.get("errors", [])
    context = {
        "bank": bank,
        "job": job,
        "progress": question_import_job_progress(job),
        "errors": errors,
        "warnings": report.get("warnings", []),
        "bad_rows": len({e["row"] for e in errors}),
        "valid": report.get("valid", 0),
    }
    return render(request, "question_banks/bank_import_job.html", context)


@login_required
def bank_import_progress(request, code: str, pk: int):
    job = _job(request, _bank(request, code), pk)
    return JsonResponse(question_import_job_progress(job))


@login_required
def bank_import_bad_rows(request, code: str, pk: int):
    """The check page's bad rows as .csv (行号, 列, 内容, 问题), to fix the file beside it."""
    job = _job(request, _bank(request, code), pk)
    rows = [SimpleNamespace(**e) for e in (job.report or {}).get("errors", [])]
    response = HttpResponse(bad_rows_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bad-rows-{job.pk}.csv"'
    return response


@login_required
def bank_import_template(request, code: str):
    """The Excel template's header row, the file to fill in."""
    _bank(request, code)
    response = HttpResponse(excel.write([]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="question-template.xlsx"'
    return response


__all__ = [
    "bank_import",
    "bank_import_bad_rows",
    "bank_import_job",
    "bank_import_progress",
    "bank_import_template",
]
