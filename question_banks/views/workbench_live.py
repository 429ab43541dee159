"""Following a session while it runs: the live page, the small JSON it refreshes from
(site/static/js/session-live.js; the CSP allows no inline script), closing early, and extra
time or an extra attempt for one candidate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from question_banks.selectors import session_roll
from question_banks.services.sessions import candidate_grant, session_close
from question_banks.workbench_forms import CloseForm, GrantForm
from roster.services.audit import audit_record

from .workbench_common import add_service_errors, own_session, owner_required


@owner_required
def live_view(request, code: str):
    session = own_session(request, code)
    close = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and close.is_valid():
        try:
            session_close(session=session, actor=request.user, reason=close.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(close, error)
        else:
            messages.success(request, _("The session is closed: nobody may start any more."))
            return redirect("question_banks:manage_live", code=session.code)
    now = timezone.now()
    roll = session_roll(session=session, now=now)
    audit_record(
        actor=request.user,
        action="exam.candidates_view",
        target=session,
        request=request,
        count=roll["counts"]["total"],
    )
    return render(
        request,
        "question_banks/workbench/live.html",
        {
            "session": session,
            "roll": roll,
            "is_open": session.is_published and session.opens_at <= now < session.closes_at,
            "close": close,
            "tab": "live",
        },
    )


@owner_required
@never_cache
def live_json(request, code: str):
    session = own_session(request, code)
    roll = session_roll(session=session)
    return JsonResponse(
        {
            "counts": roll["counts"],
            "states": {str(r["candidate"].pk): r["state"] for r in roll["rows"]},
            "at": timezone.localtime().strftime("%H:%M:%S"),
        }
    )


@owner_required
def grant_view(request, code: str, pk: int):
    session = own_session(request, code)
    candidate = get_object_or_404(session.candidates.select_related("person"), pk=pk)
    form = GrantForm(
        request.POST if request.method == "POST" else None,
        initial={
            "extra_minutes": candidate.extra_minutes,
            "extra_attempts": candidate.extra_attempts,
            "reason": candidate.override_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate_grant(
                candidate=candidate,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                extra_minutes=form.cleaned_data["extra_minutes"],
                extra_attempts=form.cleaned_data["extra_attempts"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Granted to %(name)s.") % {"name": candidate.person.name})
            return redirect("question_banks:manage_live", code=session.code)
    return render(
        request,
        "question_banks/workbench/grant.html",
        {"session": session, "candidate": candidate, "form": form, "tab": "live"},
    )
