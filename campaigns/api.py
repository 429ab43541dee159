"""The warning-case reading page's JSON endpoints: reading ticks and idle checks.

The page runs the lessons' study client (site/static/js/study.js) unchanged: its `lesson`
field carries the id of the person's own reading (WarningAssignee), and the answer has the
lesson endpoints' shape. Session auth with CSRF; always the signed-in person's own reading.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from campaigns import selectors
from campaigns.models import WarningAssignee
from campaigns.services.warning import warning_reading_tick
from courses.api import MAX_PAGE_ID, ChallengeIn, ChallengeOut, ReadingIn, Refusal, StudyOut, _out
from courses.services import study

router = Router(tags=["warning education"])


def _person(request):
    if not request.user.person_id:
        raise HttpError(403, _("Only trainees with a roster record can study for credit."))
    return request.user.person


@router.post(
    "/warning/reading",
    response={200: StudyOut, 422: Refusal},
    url_name="warning_reading",
    summary="An assigned warning case on screen (opening, then a tick every few seconds)",
)
def reading(request, payload: ReadingIn):
    person = _person(request)
    try:
        if payload.lesson > MAX_PAGE_ID:
            raise WarningAssignee.DoesNotExist
        row = selectors.my_reading_get(user=request.user, pk=payload.lesson)
    except WarningAssignee.DoesNotExist:
        return Status(422, {"detail": _("No such case assigned to you."), "code": "reading"})
    return _out(
        person,
        warning_reading_tick(
            person=person,
            reading=row,
            client_id=payload.client,
            seq=payload.seq,
            opening=payload.opening,
        ),
    )


@router.post(
    "/warning/challenge",
    response={200: ChallengeOut, 422: Refusal},
    url_name="warning_challenge",
)
def challenge(request, payload: ChallengeIn):
    person = _person(request)
    if not study.challenge_answer(person=person, challenge_id=payload.challenge):
        return Status(
            422,
            {"detail": _("There is no such attendance check pending."), "code": "challenge"},
        )
    return {"ok": True, "message": _("Thank you, study time is being credited again.")}
