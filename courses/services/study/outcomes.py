"""What a study report earned, as the learner's page is told it: the result codes of our own
(next to those of courses.credit), their messages, and the refusal a service raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from courses import credit

RULES = credit.Rules()
NOT_ALLOWED = "not_allowed"
WRONG_KIND = "wrong_kind"
COMPLETE = "complete"  # the lesson already has all the credit it can give

# A lesson is complete at 90 % of its credit: the last seconds of a video (credits, a
# player that stops a moment early, a heartbeat lost on closing) should not leave a trainee
# who watched it all one lesson short.
COMPLETE_SHARE = 0.9


class StudyError(Exception):
    """A refusal with a message for the learner; nothing was changed."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class HeartbeatResult:
    result: str
    message: str
    credited_ms: int
    lesson_credited_seconds: int
    lesson_credit_seconds: int
    completed: bool
    challenge_id: str = ""
    challenge_due: dt.datetime | None = None


def result_message(result: str) -> str:
    """The learner's sentence for a result code; empty when there is nothing to say."""
    messages = {
        credit.SEEK_AHEAD: _(
            "Seeking ahead is not credited: go back to where you stopped watching."
        ),
        credit.OTHER_CLIENT: _(
            "Another tab or device is studying now; only one is credited at a time."
        ),
        credit.IDLE: _("Not credited: please answer the attendance check."),
        credit.OUT_OF_ORDER: _("This report came out of order and was not counted."),
        credit.IMPOSSIBLE: _("This report was not accepted."),
        NOT_ALLOWED: _("This lesson is not open to you for credit."),
        WRONG_KIND: _("This report does not fit this kind of lesson."),
        COMPLETE: _("You have all the credit this lesson gives."),
    }
    return str(messages.get(result, ""))
