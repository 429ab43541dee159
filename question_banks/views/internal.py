"""The enterprise admin's internal exams (内部考试): list, create, candidates, publish, and
the results. Thin: forms parse, services/internal_exams.py decides and writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from question_banks.exports.results import STATES
from question_banks.internal_forms import CandidatesForm, InternalExamForm
from question_banks.models import ExamSession
from question_banks.selectors import session_results
from question_banks.services.internal_exams import (
    internal_enterprises,
    internal_exam_add_candidates,
    internal_exam_create,
    internal_exam_get,
    internal_exam_list,
    internal_exam_publish,
    return_exam_open,
)
from roster.models import Enterprise


def _enterprise(request) -> Enterprise | None:
    """The enterprise the page is for: the admin's only one, or ?enterprise=USCC; None
    when they must choose. Nobody else gets these pages."""
    enterprises = internal_enterprises(actor=request.user)
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    if uscc:
        enterprise = enterprises.filter(uscc=uscc).first()
        if enterprise is None:
            raise PermissionDenied(
                _("Only the admins of this enterprise may run its internal exams.")
            )
        return enterprise
    if not enterprises.exists():
        raise PermissionDenied(_("Only enterprise admins run internal exams."))
    return enterprises.first() if enterprises.count() == 1 else None


def _exam(request, code: str) -> ExamSession:
    try:
        return internal_exam_get(actor=request.user, code=code)
    except ExamSession.DoesNotExist as exc:
        raise Http404(_("No such internal exam of your enterprise.")) from exc


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def internal_list(request):
    enterprise = _enterprise(request)
    if enterprise is None:
        return render(
            request,
            "question_banks/internal_choose.html",
            {"enterprises": internal_enterprises(actor=request.user)},
        )
    return render(
        request,
        "question_banks/internal_list.html",
        {
            "enterprise": enterprise,
            "exams": internal_exam_list(enterprise=enterprise),
            "return_exam": return_exam_open(enterprise=enterprise),
        },
    )


@login_required
def internal_create(request):
    enterprise = _enterprise(request)
    if enterprise is None:
        return redirect("question_banks:internal")
    initial = InternalExamForm.initial_for(request.GET.get("purpose", ""))
    form = InternalExamForm(request.POST or None, initial=initial, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            session = internal_exam_create(
                actor=request.user, enterprise=enterprise, data=form.exam_data()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Exam saved. Now choose who takes it, then publish it."))
            return redirect("question_banks:internal_detail", code=session.code)
    return render(
        request, "question_banks/internal_form.html", {"form": form, "enterprise": enterprise}
    )


def _detail(request, session: ExamSession, form: CandidatesForm, status: int = 200):
    rows = session_results(session=session, user=request.user)
    summary = {state: sum(1 for r in rows if r["state"] == state) for state in STATES}
    return render(
        request,
        "question_banks/internal_detail.html",
        {
            "session": session,
            "enterprise": session.enterprise,
            "form": form,
            "rows": rows,
            "summary": summary,
            "states": STATES,
        },
        status=status,
    )


@login_required
def internal_detail(request, code: str):
    session = _exam(request, code)
    return _detail(request, session, CandidatesForm(enterprise=session.enterprise))


@login_required
@require_POST
def internal_candidates(request, code: str):
    session = _exam(request, code)
    form = CandidatesForm(request.POST, enterprise=session.enterprise)
    if form.is_valid():
        try:
            added = internal_exam_add_candidates(
                actor=request.user, session=session, choice=form.choice()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(n)d people added to the exam.") % {"n": added})
            return redirect("question_banks:internal_detail", code=session.code)
    return _detail(request, session, form, status=400)


@login_required
@require_POST
def internal_publish(request, code: str):
    session = _exam(request, code)
    try:
        with transaction.atomic():
            internal_exam_publish(actor=request.user, session=session)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published: the people on the list now see it in their exams."))
    return redirect("question_banks:internal_detail", code=session.code)
