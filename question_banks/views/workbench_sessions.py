"""Setting a session up on the web: create and edit it, choose its candidates, publish it,
print its admission tickets. Thin: the forms parse, services/sessions.py and
services/candidates.py decide and write, each checking the session is the user's own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from question_banks.admission import admission_pdf, admission_xlsx
from question_banks.models import ExamSession
from question_banks.selectors import session_roll
from question_banks.services.candidates import (
    CandidateFilter,
    candidate_pool,
    candidate_remove,
    candidates_from_id_numbers,
)
from question_banks.services.permissions import session_locked_fields
from question_banks.services.sessions import (
    session_add_candidates,
    session_publish,
    session_save,
    session_unpublish,
)
from question_banks.workbench_forms import CandidateFilterForm, PasteForm, SessionForm
from roster.services.audit import audit_record

from .workbench_common import add_service_errors, error_text, own_session, owner_required

LOCKED_REASON = _(
    "Locked: the exam has opened or someone has started it (their papers and deadlines "
    "depend on it)."
)


@owner_required
def session_create(request):
    return _session_page(request, ExamSession())


@owner_required
def session_edit(request, code: str):
    return _session_page(request, own_session(request, code))


def _session_page(request, session: ExamSession):
    locked = session_locked_fields(session)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        instance=session,
        user=request.user,
        locked=locked,
        locked_reason=str(LOCKED_REASON),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = session_save(actor=request.user, session=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Exam session saved."))
            return redirect("question_banks:manage_candidates", code=session.code)
    return render(
        request,
        "question_banks/workbench/session_form.html",
        {"session": session if session.pk else None, "form": form, "tab": "setup"},
    )


@owner_required
def candidates_view(request, code: str):
    """The list with seats, and the two ways to add people: a roster filter, pasted IDs."""
    session = own_session(request, code)
    action = request.POST.get("action") if request.method == "POST" else None
    choose = CandidateFilterForm(
        request.POST if action == "filter" else None, user=request.user, prefix="f"
    )
    paste = PasteForm(request.POST if action == "paste" else None, prefix="p")
    problems = []
    if action == "filter" and choose.is_valid():
        data = choose.cleaned_data
        people = candidate_pool(
            actor=request.user,
            choice=CandidateFilter(
                enterprise=data["enterprise"],
                department=data["department"],
                post=data["post"],
                category=data["category"],
                plan_id=data["plan"],
            ),
        )
        return _added(request, session, people)
    if action == "paste" and paste.is_valid():
        try:
            people, problems = candidates_from_id_numbers(
                actor=request.user, session=session, text=paste.cleaned_data["id_numbers"]
            )
        except ValidationError as error:
            paste.add_error("id_numbers", error)
        else:
            if problems:
                paste.add_error(
                    "id_numbers",
                    _("%(n)d lines are not right; nobody was added. Fix them and add again.")
                    % {"n": len(problems)},
                )
            else:
                return _added(request, session, people)
    roll = session_roll(session=session)
    audit_record(
        actor=request.user,
        action="exam.candidates_view",
        target=session,
        request=request,
        count=roll["counts"]["total"],
    )
    return render(
        request,
        "question_banks/workbench/candidates.html",
        {
            "session": session,
            "roll": roll,
            "choose": choose,
            "paste": paste,
            "problems": problems,
            "tab": "candidates",
        },
    )


def _added(request, session: ExamSession, people):
    try:
        count = session_add_candidates(session=session, actor=request.user, people=list(people))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if count:
            messages.success(request, _("%(n)d people added to the list.") % {"n": count})
        else:
            messages.warning(request, _("Nobody new: everyone who matches is on the list already."))
    return redirect("question_banks:manage_candidates", code=session.code)


@owner_required
@require_POST
def candidate_remove_view(request, code: str, pk: int):
    session = own_session(request, code)
    candidate = get_object_or_404(session.candidates.select_related("person"), pk=pk)
    try:
        candidate_remove(actor=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("%(name)s removed from the list.") % {"name": candidate.person.name}
        )
    return redirect("question_banks:manage_candidates", code=session.code)


@owner_required
@require_POST
def session_publish_view(request, code: str):
    session = own_session(request, code)
    try:
        session_publish(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, _("Not published: %(why)s") % {"why": error_text(error)})
    else:
        messages.success(
            request, _("Published: the candidates see the exam and their papers are drawn.")
        )
    return redirect("question_banks:manage_candidates", code=session.code)


@owner_required
@require_POST
def session_unpublish_view(request, code: str):
    session = own_session(request, code)
    try:
        session_unpublish(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, _("Not withdrawn: %(why)s") % {"why": error_text(error)})
    else:
        messages.success(
            request,
            _("Withdrawn: the candidates no longer see the exam; edit it and publish it again."),
        )
    return redirect("question_banks:manage_candidates", code=session.code)


@owner_required
def admission_view(request, code: str, fmt: str):
    session = own_session(request, code)
    rows = session_roll(session=session)["rows"]
    audit_record(
        actor=request.user,
        action="exam.admission_export",
        target=session,
        request=request,
        count=len(rows),
        format=fmt,
    )
    if fmt == "pdf":
        response = HttpResponse(admission_pdf(session, rows), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="admission-{session.code}.pdf"'
    else:
        response = HttpResponse(
            admission_xlsx(session, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="admission-{session.code}.xlsx"'
    return response
