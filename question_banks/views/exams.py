"""The examinee's pages: my exams, a session's start page, the exam page and the result."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.lane import answer_anonymously, session_free
from config.page_shell import PageShell
from config.quick_gzip import compress_quickly, gzip_quickly
from question_banks.models import Attempt, ExamSession, PaperRule
from question_banks.presentation import review_items
from question_banks.providers import attempt_standing
from question_banks.selectors import (
    attempt_get_own,
    attempt_get_own_for_page,
    attempt_items_for_display,
    attempt_items_for_exam_page,
    exam_page_for_pass,
    mock_attempts_for_person,
    session_get_for_candidate,
    sessions_for_person,
)
from question_banks.services.attempts import (
    FINISHED,
    ExamError,
    answers_close_at,
    attempt_expire_if_overdue,
    attempt_grade_if_stale,
    attempt_graded,
    attempt_overdue,
    attempt_start,
    attempt_take_over,
    mock_start,
    retrain_reason,
)
from question_banks.services.exam_day import attempt_start_quick
from question_banks.services.exam_page import attempt_page_keep, exam_page_parts
from question_banks.services.exam_pass import (
    FIELD,
    attempt_scope,
    issue_pass,
    pass_holder,
    session_scope,
)
from question_banks.services.keys import banks_closed_to_keys
from question_banks.services.review import attempt_review_access
from roster.services.audit import client_ip

CONFLICTS = frozenset({"other_client", "start_conflict"})
CLIENT_MAX = 64  # a tab's id, as the API's
# How often the result page of a paper being graded reloads itself (a meta refresh: the
# CSP allows no inline script). A grade takes seconds even when everyone submits at once.
GRADING_REFRESH_SECONDS = 2
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _own_attempt(request, pk: int, read=attempt_get_own) -> Attempt:
    try:
        return read(user=request.user, pk=pk)
    except Attempt.DoesNotExist as exc:
        raise Http404(_("No such exam paper of yours.")) from exc


@login_required
def my_exams(request):
    now = timezone.now()
    candidacies = list(sessions_for_person(user=request.user))
    mocks = mock_attempts_for_person(user=request.user)
    # Which finished papers may be reviewed now: the key closure read once for the list.
    closed = (
        banks_closed_to_keys(person_id=request.user.person_id, now=now)
        if request.user.person_id
        else set()
    )
    for attempt in [a for c in candidacies for a in c.session.my_attempts] + mocks:
        if attempt.status in FINISHED:
            attempt.review = attempt_review_access(attempt=attempt, now=now, closed_banks=closed)
    return render(
        request,
        "question_banks/my_exams.html",
        {"candidacies": candidacies, "mocks": mocks, "now": now},
    )


def _start_quickly(request: HttpRequest, code: str, person_id: int) -> HttpResponseRedirect | None:
    """9:00 on exam day: a paper drawn ahead starts in one statement, or not at all and
    attempt_start decides (and says why it refuses)."""
    started = attempt_start_quick(
        person_id=person_id,
        session_code=code,
        client_id=request.POST.get("client", "")[:CLIENT_MAX],
        access_code=request.POST.get("access_code", ""),
    )
    if started is None:
        return None
    return _to_exam_page(started.attempt_id, person_id, started.answers_close_at)


def _to_exam_page(
    attempt_id: int, person_id: int, answers_close_at: dt.datetime
) -> HttpResponseRedirect:
    """The redirect of a start to its exam page, carrying the paper's exam pass in a cookie
    for that page only, until the paper stops taking answers: the page's own requests then
    come with their credential, as the saves do, and the session-free lane answers them
    (_page_with_pass)."""
    response = redirect("question_banks:attempt", pk=attempt_id)
    path = reverse("question_banks:attempt", args=[attempt_id])
    response.set_cookie(
        PASS_COOKIE,
        issue_pass(
            scope=attempt_scope(attempt_id), person_id=person_id, valid_until=answers_close_at
        ),
        max_age=max(0, math.ceil((answers_close_at - timezone.now()).total_seconds())),
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _start_with_pass(request: HttpRequest, code: str) -> HttpResponseRedirect | None:
    """The session-free lane's (config/lane.py): a start form with the session page's pass
    starts the paper drawn ahead without the session. None: the view below decides."""
    if request.method != "POST" or request.content_type not in _FORMS:
        return None
    value = request.POST.get(FIELD)
    if not value:
        return None
    person = pass_holder(value, scope=session_scope(code), now=timezone.now())
    return None if person is None else _start_quickly(request, code, person)


@session_free(_start_with_pass)
@login_required
def session_detail(request, code: str):
    if request.method == "POST" and request.user.person_id:
        started = _start_quickly(request, code, request.user.person_id)
        if started is not None:
            return started
    try:
        session, candidate = session_get_for_candidate(user=request.user, code=code)
    except ExamSession.DoesNotExist as exc:
        raise Http404(_("You are not on the list of this exam session.")) from exc
    status = 200
    if request.method == "POST":
        try:
            attempt = attempt_start(
                session=session,
                person=candidate.person,
                client_id=request.POST.get("client", "")[:CLIENT_MAX],
                access_code=request.POST.get("access_code", ""),
                ip=client_ip(request),
                candidate=candidate,
            )
        except ExamError as exc:
            messages.error(request, exc.message)
            # Open elsewhere, or being started elsewhere at this very moment: a conflict
            # with another request, said as such (the page still offers what to do).
            if exc.code in CONFLICTS:
                status = 409
        else:
            attempt.session = session  # read already: its grace closes the answers
            return _to_exam_page(attempt.pk, attempt.person_id, answers_close_at(attempt))
    attempts = session.attempts.filter(person=candidate.person).order_by("number")
    return render(
        request,
        "question_banks/session_detail.html",
        {
            "session": session,
            "candidate": candidate,
            "attempts": attempts,
            "attempts_allowed": session.attempts_allowed + candidate.extra_attempts,
            "duration": session.duration_over(session.rule),
            "pass_mark": session.pass_mark_over(session.rule),
            "question_count": sum(s.count for s in session.rule.sections.all()),
            "now": timezone.now(),
            # Said here, in place of the start button, rather than only once it is pressed.
            "retrain": retrain_reason(session=session, candidate=candidate, now=timezone.now()),
            "pass": issue_pass(
                scope=session_scope(session.code),
                person_id=candidate.person_id,
                valid_until=session.closes_at,
            ),
        },
        status=status,
    )


# A thousand examinees open it at 9:00: its frame (base.html and the page around the cards)
# is rendered once per process and language, the cards once per paper (AttemptPage), and it
# is gzipped at level 1 (bench/bench_requests.py --only page).
_EXAM_PAGE = PageShell("question_banks/attempt.html")
# The exam pass of one paper, for its page's path only (set by _to_exam_page).
PASS_COOKIE = "exam_pass"
# django.contrib.messages' cookie storage keeps its messages under this name.
_MESSAGES_COOKIE = "messages"
# The CSRF middleware's halves, called around a page the lane answers: the page's forms
# (take over, sign out) carry the token of the visitor's CSRF cookie, or of one set now.
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def _exam_page_context(
    *,
    pk: int,
    title: str,
    person_name: str,
    deadline: dt.datetime | None,
    client_id: str,
    exam_pass: str,
    cards: str,
    sheet: str,
) -> dict[str, str]:
    # Strings only: the page's frame is rendered once per process and language, and these
    # are filled into it (config/page_shell.py). Kept cards are safe as they were rendered.
    return {
        "title": title or _("Mock exam"),
        "person_name": person_name,
        "attempt_id": str(pk),
        "deadline": deadline.isoformat() if deadline else "",
        "server_now": timezone.now().isoformat(),
        "client_id": client_id,
        "pass": exam_pass,
        "result_url": reverse("question_banks:result", args=[pk]),
        "take_over_url": reverse("question_banks:take_over", args=[pk]),
        "sheet": mark_safe(sheet),  # rendered by presentation.exam_sheet, escaped there
        "cards": mark_safe(cards),  # rendered by presentation.exam_cards, escaped there
    }


def _page_with_pass(request: HttpRequest, pk: int) -> HttpResponse | None:
    """The session-free lane's (config/lane.py): the exam page of a paper just started, for
    the holder of its exam pass (the cookie its start set), without the session and the
    account. In one statement: the pass's person's attempt, in progress, before its
    deadline, nothing answered or flagged and its cards kept in the negotiated language.
    Anything else (no or another pass, messages waiting, a take-over, answers to show, an
    overdue paper) returns None and the view below decides, through the session.

    As with the answer saves, the pass is the credential: an examinee signed out in another
    tab still gets their own page while their pass lasts (until the paper stops taking
    answers), and can save to it; the pass gives no more than the page they had open."""
    if request.method != "GET" or _MESSAGES_COOKIE in request.COOKIES:
        return None
    value = request.COOKIES.get(PASS_COOKIE)
    if not value:
        return None
    now = timezone.now()
    person = pass_holder(value, scope=attempt_scope(pk), now=now)
    if person is None:
        return None

    def own_page(request: HttpRequest) -> HttpResponse | None:
        page = exam_page_for_pass(attempt_id=pk, person_id=person, language=get_language(), now=now)
        if page is None:
            return None
        _csrf.process_request(request)
        context = _exam_page_context(
            pk=pk,
            title=page.session_name or "",
            person_name=page.person_name,
            deadline=page.deadline,
            client_id=page.client_id,
            # The page's pass is this very one: the same paper, person and closing time.
            exam_pass=value,
            cards=page.cards,
            sheet=page.sheet,
        )
        response = _EXAM_PAGE.render_own(request, context)
        response = _csrf.process_response(request, response)
        return compress_quickly(request, response)

    return answer_anonymously(request, own_page)


@session_free(_page_with_pass)
@gzip_quickly
@login_required
def attempt_page(request, pk: int):
    attempt = _own_attempt(request, pk, read=attempt_get_own_for_page)
    # Locked and written only when time has run out (a thousand pages open at 9:00).
    if attempt_overdue(attempt, timezone.now()) and attempt_expire_if_overdue(attempt=attempt):
        attempt.refresh_from_db()
    if attempt.status in FINISHED:
        return redirect("question_banks:result", pk=attempt.pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise Http404(_("This paper has not been started."))
    language = get_language()
    if attempt.stored_cards is not None and attempt.stored_language == language:
        cards, sheet = attempt.stored_cards, attempt.stored_sheet
    else:
        items = attempt_items_for_exam_page(attempt)
        cards, sheet = exam_page_parts(items)
        if attempt.stored_language is None:
            # Drawn at its start (or a mock exam): kept now for the next views.
            attempt_page_keep(
                attempt_id=attempt.pk, items=items, cards=cards, sheet=sheet, language=language
            )
    exam_pass = issue_pass(
        scope=attempt_scope(attempt.pk),
        person_id=attempt.person_id,
        valid_until=answers_close_at(attempt),
    )
    return _EXAM_PAGE.render_own(
        request,
        _exam_page_context(
            pk=attempt.pk,
            title=(attempt.session.name if attempt.session else "") or "",
            person_name=attempt.person.name,
            deadline=attempt.deadline,
            client_id=attempt.client_id,
            exam_pass=exam_pass,
            cards=cards,
            sheet=sheet,
        ),
    )


@login_required
@require_POST
def attempt_take_over_view(request, pk: int):
    attempt = _own_attempt(request, pk)
    try:
        attempt_take_over(
            actor=request.user, attempt=attempt, client_id=request.POST.get("client", "")[:64]
        )
    except ExamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You continue the exam here. The other device or tab no longer saves answers."),
        )
    return redirect("question_banks:attempt", pk=attempt.pk)


def _finished_own(request, pk: int) -> Attempt | None:
    """The examinee's own finished attempt (graded now if its time ran out, or if its grade
    has waited far longer than a queued task should), or None when it is still open (the
    caller sends them back to the exam page). Locked and written only in those cases: the
    result page is polled while a thousand submits are being graded."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    if attempt_overdue(attempt, now):
        if attempt_expire_if_overdue(attempt=attempt, now=now):
            attempt.refresh_from_db()
    elif attempt_grade_if_stale(attempt=attempt, now=now):
        attempt.refresh_from_db()
    return attempt if attempt.status in FINISHED else None


@login_required
def result(request, pk: int):
    attempt = _finished_own(request, pk)
    if attempt is None:
        return redirect("question_banks:attempt", pk=pk)
    if not attempt_graded(attempt):
        # Submitted, grade on its way (seconds): the page says so and reloads itself.
        return render(
            request,
            "question_banks/result.html",
            {"attempt": attempt, "grading": True, "refresh": GRADING_REFRESH_SECONDS},
        )
    access = attempt_review_access(attempt=attempt)
    # A contest's attempt ranks and has no pass mark: its standing replaces the verdict.
    standing = attempt_standing(attempt=attempt) if access.show_score else None
    return render(
        request,
        "question_banks/result.html",
        {"attempt": attempt, "access": access, "standing": standing},
    )


@login_required
def review(request, pk: int):
    """Question by question: the examinee's answer, the right one and the explanation, when
    the session's policy and the answer-key closure allow (services/review.py)."""
    attempt = _finished_own(request, pk)
    if attempt is None:
        return redirect("question_banks:attempt", pk=pk)
    if not attempt_graded(attempt):
        return redirect("question_banks:result", pk=pk)
    access = attempt_review_access(attempt=attempt)
    items = review_items(attempt_items_for_display(attempt)) if access.show_answers else []
    return render(
        request,
        "question_banks/review.html",
        {"attempt": attempt, "access": access, "items": items},
    )


@login_required
@require_POST
def mock_start_view(request, code: str):
    if not request.user.person_id:
        raise Http404
    allowed = PaperRule.objects.filter(
        code=code, sessions__candidates__person_id=request.user.person_id
    ).first()
    if allowed is None:
        raise Http404(_("No mock exam for this paper rule is open to you."))
    try:
        attempt = mock_start(person=request.user.person, rule=allowed)
    except ExamError as exc:  # an exam on the same bank is in progress
        messages.error(request, exc.message)
        return redirect("question_banks:mine")
    return _to_exam_page(attempt.pk, attempt.person_id, answers_close_at(attempt))
