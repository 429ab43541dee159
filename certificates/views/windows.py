""" "What, by when" for one person (the admin's side; the holder sees theirs on their
certificates page) and the practical exams (实际操作考试) recorded for them.

Who sees the page: staff whose scope reaches the person (404 otherwise, so nobody learns who
exists). Who records a practical exam the service says (may_record_practical); the form is
only offered to them, and a refusal (no usable theory pass) is shown beside the field with
what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.forms import PracticalExamForm
from certificates.models import PracticalExam
from certificates.services.errors import CertificateError
from certificates.services.practical import may_record_practical, practical_exam_record
from certificates.services.windows import person_windows
from roster.models import Person
from roster.selectors import person_list
from roster.services import audit_record
from roster.views.common import staff_scope_required

# Where a refusal of the service is shown: beside the field it is about.
_ERROR_FIELDS = {"no_theory": "taken_on", "theory_expired": "taken_on", "future": "taken_on"}


def _person_or_404(request, pk: int) -> Person:
    person = person_list(user=request.user).filter(pk=pk).first()
    if person is None:
        raise Http404(_("No such person in your scope."))
    return person


def _render(request, person: Person, form: PracticalExamForm | None):
    today = timezone.localdate()
    return render(
        request,
        "certificates/person_windows.html",
        {
            "person": person,
            "today": today,
            "windows": person_windows(person=person, on=today),
            "exams": PracticalExam.objects.filter(person=person)
            .select_related("certificate_type", "recorded_by")
            .order_by("-taken_on", "-pk"),
            "form": form,
        },
    )


@staff_scope_required
def person_windows_page(request, pk: int):
    person = _person_or_404(request, pk)
    audit_record(
        actor=request.user,
        action="person.view",
        target=person,
        summary=person.name,
        request=request,
    )
    form = (
        PracticalExamForm(prefix="practical")
        if may_record_practical(actor=request.user, person=person)
        else None
    )
    return _render(request, person, form)


@staff_scope_required
@require_POST
def practical_exam_add(request, pk: int):
    person = _person_or_404(request, pk)
    if not may_record_practical(actor=request.user, person=person):
        raise Http404(_("No such person in your scope."))
    form = PracticalExamForm(request.POST, prefix="practical")
    if form.is_valid():
        data = form.cleaned_data
        try:
            exam = practical_exam_record(
                actor=request.user,
                person=person,
                ctype=data["certificate_type"],
                taken_on=data["taken_on"],
                examiner=data["examiner"],
                score=data["score"],
            )
        except CertificateError as exc:
            form.add_error(_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(
                request,
                (
                    _("Practical exam recorded: passed.")
                    if exam.passed
                    else _("Practical exam recorded: not passed.")
                ),
            )
            return redirect("certificates:person_windows", pk=person.pk)
    return _render(request, person, form)
