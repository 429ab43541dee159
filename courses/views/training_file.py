"""The training file (一人一档): page, PDF and .xlsx per person, and the enterprise workbook.

Scoped like the roster (person_get): staff see the people of their enterprises, a trainee
their own file. Every staff view or export is written to the audit log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.training_file import (
    enterprise_training_xlsx,
    extra_sections,
    training_file,
    training_file_pdf,
    training_file_xlsx,
)
from roster.models import Person
from roster.selectors import can_see_full_id, employment_list, person_get
from roster.services import audit_record
from roster.views.common import staff_scope_required

from .plans import enterprise_filter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person(request, pk: int) -> Person:
    try:
        return person_get(user=request.user, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404(_("No such person in your scope.")) from exc


def _audit(request, person: Person, action: str) -> None:
    # The trainee reading their own file is not a staff view of someone's data.
    if request.user.person_id != person.pk:
        audit_record(
            actor=request.user, action=action, target=person, summary=person.name, request=request
        )


def _id_number(request, person: Person) -> str:
    full = can_see_full_id(user=request.user, person=person)
    return person.id_number if full else person.id_number_masked


@login_required
def training_file_view(request, pk: int):
    person = _person(request, pk)
    _audit(request, person, "courses.training_file_view")
    tf = training_file(person=person)
    return render(
        request,
        "courses/training_file.html",
        {
            "tf": tf,
            "is_own": request.user.person_id == person.pk,
            "extra_sections": extra_sections(tf),
        },
    )


@login_required
def my_training_file_view(request):
    if not request.user.person_id:
        raise Http404(_("Your account is not linked to a person."))
    return training_file_view(request, request.user.person_id)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def training_file_pdf_view(request, pk: int):
    person = _person(request, pk)
    _audit(request, person, "courses.training_file_pdf")
    pdf = training_file_pdf(training_file(person=person), id_number=_id_number(request, person))
    return _download(pdf, f"training-file-{person.pk}.pdf", "application/pdf")


@login_required
def training_file_xlsx_view(request, pk: int):
    person = _person(request, pk)
    _audit(request, person, "courses.training_file_xlsx")
    xlsx = training_file_xlsx(training_file(person=person), id_number=_id_number(request, person))
    return _download(xlsx, f"training-file-{person.pk}.xlsx", XLSX)


@staff_scope_required
def enterprise_training_xlsx_view(request):
    """Current people of one enterprise (?enterprise=USCC) or all in scope, this year and last."""
    enterprise = enterprise_filter(request)
    employments = employment_list(user=request.user, enterprise=enterprise).prefetch_related(
        "person__certificates__certificate_type"
    )
    year = timezone.localdate().year
    content, count = enterprise_training_xlsx(employments, years=[year - 1, year])
    audit_record(
        actor=request.user,
        action="courses.training_records_export",
        summary=enterprise.name if enterprise else "",
        request=request,
        count=count,
    )
    return _download(content, "training-records.xlsx", XLSX)
