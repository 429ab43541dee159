"""Staff pages for a session: results (with export) and item analysis."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from question_banks.exports.results import STATES, results_xlsx
from question_banks.models import ExamSession
from question_banks.selectors import (
    session_results,
    sessions_managed_by,
    sessions_visible_to,
)
from question_banks.services.permissions import may_own
from question_banks.statistics import session_statistics
from roster.choices import Role
from roster.selectors import user_has_role
from roster.services.audit import audit_record


def _session(request, code: str) -> ExamSession:
    session = sessions_visible_to(user=request.user).filter(code=code).first()
    if session is None:
        raise Http404
    return session


@login_required
def session_list(request):
    sessions = sessions_visible_to(user=request.user).order_by("-opens_at")[:200]
    # The workbench's links (set up, candidates, live) for the sessions the user may run.
    managed = set(
        sessions_managed_by(user=request.user)
        .filter(pk__in=[s.pk for s in sessions])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "question_banks/manage_sessions.html",
        {"sessions": sessions, "managed": managed, "may_own": may_own(request.user)},
    )


@login_required
def session_results_view(request, code: str):
    session = _session(request, code)
    rows = session_results(session=session, user=request.user)
    audit_record(
        actor=request.user,
        action="exam.results_view",
        target=session,
        request=request,
        count=len(rows),
    )
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user, action="exam.results_export", target=session, request=request
        )
        response = HttpResponse(
            results_xlsx(session, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="results-{session.code}.xlsx"'
        return response
    summary = {state: sum(1 for r in rows if r["state"] == state) for state in STATES}
    return render(
        request,
        "question_banks/manage_results.html",
        {
            "session": session,
            "rows": rows,
            "summary": summary,
            "states": STATES,
            "may_analyse": user_has_role(request.user, Role.TRAINER),
            "managed": sessions_managed_by(user=request.user).filter(pk=session.pk).exists(),
            "tab": "results",
        },
    )


@login_required
def session_statistics_view(request, code: str):
    if not user_has_role(request.user, Role.TRAINER):
        raise PermissionDenied
    session = _session(request, code)
    return render(
        request,
        "question_banks/manage_statistics.html",
        {"session": session, "stats": session_statistics(session)},
    )
