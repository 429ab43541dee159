"""What an examinee may see of a finished attempt, and from when: the score, and the review
(each question with their answer, the right answer and the explanation).

One decision for the result page, the review page and 我的考试's links, so that none of
them shows a key another does not:
- the session's policies (ExamSession.show_result / show_answers): right after submitting,
  once the session has closed, or never; a mock exam has no session and always shows;
- the answer-key closure (services/keys.py) overrides both: while the person sits an
  official exam on the bank, or a session on the bank that closes practice is being held,
  no key of that bank shows, nor a mock's score (which gives the keys away one by one).
Ownership is the caller's read (selectors.attempt_get_own): another person's attempt is
not found at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from question_banks.models import Attempt, ExamSession
from question_banks.services.attempts import FINISHED
from question_banks.services.keys import banks_closed_to_keys


@dataclass(frozen=True)
class ReviewAccess:
    show_score: bool
    show_answers: bool
    # The bank's keys are closed to the person now (services/keys.py): say so, not "never".
    keys_closed: bool
    # When the answers will show, if the session's policy is "after the session closes"
    # and it has not closed yet; None otherwise.
    answers_from: dt.datetime | None = None


def _policy_allows(policy: str, attempt: Attempt, now: dt.datetime) -> bool:
    if attempt.session_id is None:
        return True  # a mock exam shows its score and answers (unless keys are closed)
    if policy == ExamSession.ResultPolicy.IMMEDIATELY:
        return True
    if policy == ExamSession.ResultPolicy.AFTER_CLOSE:
        return attempt.session is not None and now >= attempt.session.closes_at
    return False


def attempt_review_access(
    *, attempt: Attempt, now: dt.datetime | None = None, closed_banks: set[int] | None = None
) -> ReviewAccess:
    """What the attempt's owner may see of it now. Nothing before it is finished.
    ``closed_banks``: banks_closed_to_keys for the attempt's person, read once by a caller
    that decides for a list of attempts (我的考试)."""
    now = now or timezone.now()
    if attempt.status not in FINISHED:
        return ReviewAccess(show_score=False, show_answers=False, keys_closed=False)
    session = attempt.session if attempt.session_id else None
    show_score = _policy_allows(session.show_result if session else "", attempt, now)
    show_answers = _policy_allows(session.show_answers if session else "", attempt, now)
    if closed_banks is None:
        closed_banks = banks_closed_to_keys(person_id=attempt.person_id, now=now)
    keys_closed = attempt.rule.bank_id in closed_banks
    if keys_closed:
        show_answers = False
        show_score = show_score and attempt.kind == Attempt.Kind.OFFICIAL
    answers_from = None
    if (
        session is not None
        and not show_answers
        and session.show_answers == ExamSession.ResultPolicy.AFTER_CLOSE
        and now < session.closes_at
    ):
        answers_from = session.closes_at
    return ReviewAccess(show_score, show_answers, keys_closed, answers_from)
