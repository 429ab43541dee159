"""The exam day's two requests that come by the thousand, answered before the session and
the account are read: the 9:00 start and the answer saves, when they carry an exam pass
(services/exam_pass.py).

It sits right after the middleware that sets the security headers (SecurityMiddleware, the
content security policy and X-Frame-Options), so its answers carry the same headers as any
other. A POST to /exams/session/<code>/ with the session page's pass starts the paper drawn
ahead in the one statement of services/exam_day.attempt_start_quick and redirects to the
exam page, as the view does. A POST to /api/attempts/<id>/answers with the exam page's pass
and one answer in the shape the API takes saves it in the one statement of
answer_save_quick and answers as the API would. Anything else, including every start or
save those statements do not take, continues down the stack unchanged to the view or the
API, which read the session and say why they refuse (the body, once read, stays readable
there).
"""

from __future__ import annotations

import json
import re

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from question_banks.services.exam_day import answer_save_quick, attempt_start_quick
from question_banks.services.exam_pass import (
    FIELD,
    META_KEY,
    attempt_scope,
    pass_holder,
    session_scope,
)

_SAVE_PATH = re.compile(r"/api/attempts/([1-9][0-9]{0,17})/answers")
_START_PATH = re.compile(r"/exams/session/([^/]{1,64})/")
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_ENTRY_KEYS = frozenset({"position", "answer", "seq", "flagged"})
_CLIENT_MAX = 64  # as AnswersIn.client and the start view


class ExamDayMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            response = None
            if META_KEY in request.META:
                match = _SAVE_PATH.fullmatch(request.path_info)
                if match is not None:
                    response = self._save(request, int(match[1]))
            elif request.content_type in _FORMS:
                match = _START_PATH.fullmatch(request.path_info)
                if match is not None:
                    response = self._start(request, match[1])
            if response is not None:
                return response
        return self.get_response(request)

    def _start(self, request, code: str) -> HttpResponseRedirect | None:
        request.get_host()  # an unknown Host is refused here as everywhere (400)
        value = request.POST.get(FIELD)
        if not value:
            return None
        now = timezone.now()
        person = pass_holder(value, scope=session_scope(code), now=now)
        if person is None:
            return None
        started = attempt_start_quick(
            person_id=person,
            session_code=code,
            client_id=request.POST.get("client", "")[:_CLIENT_MAX],
            access_code=request.POST.get("access_code", ""),
            now=now,
        )
        if started is None:
            return None
        return HttpResponseRedirect(reverse("exams:attempt", args=[started]))

    def _save(self, request, attempt_id: int) -> JsonResponse | None:
        request.get_host()
        now = timezone.now()
        person = pass_holder(request.META[META_KEY], scope=attempt_scope(attempt_id), now=now)
        if person is None or request.content_type != "application/json":
            return None
        try:
            payload = json.loads(request.body)
        except ValueError:
            return None
        single = _single_answer(payload)
        if single is None:
            return None
        client, entry = single
        saved = answer_save_quick(
            person_id=person, attempt_id=attempt_id, client_id=client, entry=entry, now=now
        )
        if saved is None:
            return None
        result, deadline = saved
        return JsonResponse(
            {
                "saved": [result.__dict__],
                "server_time": now.isoformat(),
                "deadline": deadline.isoformat(),
            },
            content_type="application/json; charset=utf-8",  # as the API's
        )


def _single_answer(payload) -> tuple[str, dict] | None:
    """(client, the answer) when the body is one answer exactly as AnswersIn takes it
    without converting anything; None sends it to the API, which validates and explains."""
    if not isinstance(payload, dict):
        return None
    client, answers = payload.get("client"), payload.get("answers")
    if not isinstance(client, str) or len(client) > _CLIENT_MAX:
        return None
    if not isinstance(answers, list) or len(answers) != 1 or not isinstance(answers[0], dict):
        return None
    entry = answers[0]
    if not entry.keys() <= _ENTRY_KEYS or not _answer_shape(entry.get("answer")):
        return None
    return client, entry


def _answer_shape(answer) -> bool:
    """list[str] | dict[str, list[str]] | None, as AnswerIn.answer."""
    if answer is None:
        return True
    if isinstance(answer, list):
        return all(isinstance(choice, str) for choice in answer)
    if isinstance(answer, dict):
        return all(
            isinstance(part, list) and all(isinstance(choice, str) for choice in part)
            for part in answer.values()
        )
    return False
