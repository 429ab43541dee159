""" "What, by when" for one person (the admin's side; the holder sees theirs on their
certificates page and home: the certificate windows and the training duties, services/duties.py)
and the practical exams (实际操作考试) recorded for them.

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

from certificates.forms import HealthCheckForm, PracticalExamForm
from certificates.models import HealthCheck, PracticalExam
from certificates.services.duties import person_duties
from certificates.services.errors import CertificateError
from certificates.services.health import health_check_record, may_record_health
from certificates.services.practical import may_record_practical, practical_exam_record
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


def _render(
    request,
    person: Person,
    form: PracticalExamForm | None,
    health_form: HealthCheckForm | None = None,
):
    today = timezone.localdate()
    if health_form is None and may_record_health(actor=request.user, person=person):
        health_form = HealthCheckForm(prefix="health")
    if form is None and may_record_practical(actor=request.user, person=person):
        form = PracticalExamForm(prefix="practical")
    return render(
        request,
        "certificates/person_windows.html",
        {
            "person": person,
            "today": today,
            "windows": person_duties(person=person, on=today),
            "exams": PracticalExam.objects.filter(person=person)
            .select_related("certificate_type", "recorded_by")
            .order_by("-taken_on", "-pk"),
            "form": form,
            "health_checks": HealthCheck.objects.filter(person=person).order_by("-on", "-pk"),
            "health_form": health_form,
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
    return _render(request, person, None)


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
            recorded = practical_exam_record(
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
            if not recorded.passed:
                messages.success(request, _("Practical exam recorded: not passed."))
            elif recorded.certificate is not None:
                messages.success(
                    request,
                    _(
                        "Practical exam recorded: passed. With the theory pass, %(name)s's "
                        "certificate %(number)s is issued."
                    )
                    % {"name": person.name, "number": recorded.certificate.number},
                )
            else:
                messages.success(request, _("Practical exam recorded: passed."))
                if recorded.problem:
                    messages.warning(
                        request,
                        _("No certificate issued: %(why)s") % {"why": recorded.problem},
                    )
            return redirect("certificates:person_windows", pk=person.pk)
    return _render(request, person, form)


@staff_scope_required
@require_POST
def health_check_add(request, pk: int):
    person = _person_or_404(request, pk)
    if not may_record_health(actor=request.user, person=person):
        raise Http404(_("No such person in your scope."))
    form = HealthCheckForm(request.POST, prefix="health")
    if form.is_valid():
        data = form.cleaned_data
        try:
            health_check_record(
                actor=request.user,
                person=person,
                on=data["on"],
                fit=data["fit"],
                note=data["note"],
            )
        except CertificateError as exc:
            form.add_error("on" if exc.code == "future" else None, exc.message)
        else:
            messages.success(request, _("Health check recorded."))
            return redirect("certificates:person_windows", pk=person.pk)
    return _render(request, person, None, form)
