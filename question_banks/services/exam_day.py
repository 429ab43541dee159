"""The three requests of an exam day that come by the thousand, each as one SQL statement.

At 9:00 everyone starts at once, then each examinee saves an answer every few seconds, and
at the end everyone hands in within the same minute (issue 27: 1,000 submits in the same
second answered within 3 s). Each goes through the ORM path in services/attempts/ just as
well, with every rule checked and a reason for each refusal; on PostgreSQL these functions
try first to do the common case in a single statement that carries the same checks in its
WHERE clause. Whenever that statement does nothing (anything unusual: an access code typed
wrong, a second tab, a retake, a late retry), they return None and the caller takes the
long way, which says why.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from question_banks.models import Attempt, ExamSession
from question_banks.services.attempts import (
    FINISHED,
    MAX_POSITION,
    MAX_SEQ,
    ExamError,
    SaveResult,
    grading,
    is_count,
    validate_answer,
)
from question_banks.services.paper_slots import paper_slot

# ---------------------------------------------------------------- starting

# The first start of a paper drawn ahead (session_predraw), as attempt_start would do it: the
# person is on the list of the published session, it is open, it asks for no access code
# other than the one given, for no network and no prerequisite check, the candidate failed no
# resit of the item elsewhere since joining the list (Candidate.resit_failed_on: the long way
# asks whether they retrained), and nothing of theirs in it is finished yet (so this is
# attempt number 1 and an attempt is left). The deadline is attempt_start's: the duration
# plus the candidate's extra minutes, at most the session's close plus those minutes. The
# "started" event is written by the same statement.
_QUICK_START_SQL = f"""
WITH started AS (
  UPDATE question_banks_attempt AS attempt
     SET status = %(in_progress)s, started_at = %(now)s, client_id = %(client)s, number = 1,
         deadline = LEAST(
           %(now)s + make_interval(
             mins => {ExamSession.DURATION_SQL}
                     + candidate.extra_minutes),
           session.closes_at + make_interval(mins => candidate.extra_minutes))
    FROM question_banks_examsession AS session
    JOIN question_banks_candidate AS candidate ON candidate.session_id = session.id
    JOIN question_banks_paperrule AS rule ON rule.id = session.rule_id
   WHERE session.code = %(code)s
     AND session.is_published
     AND session.opens_at <= %(now)s AND %(now)s < session.closes_at
     AND (session.access_code = '' OR session.access_code = %(access_code)s)
     AND btrim(session.allowed_networks, E' \t\r\n') = ''
     AND session.prerequisites = '[]'::jsonb
     AND session.attempts_allowed + candidate.extra_attempts > 0
     AND candidate.person_id = %(person)s
     AND candidate.resit_failed_on IS NULL
     AND attempt.session_id = session.id
     AND attempt.person_id = %(person)s
     AND attempt.status = %(ready)s
     AND NOT EXISTS (
       SELECT 1 FROM question_banks_attempt AS earlier
        WHERE earlier.session_id = session.id AND earlier.person_id = %(person)s
          AND earlier.status = ANY(%(finished)s))
  RETURNING attempt.id, attempt.deadline + make_interval(secs => session.grace_seconds) AS closes
), logged AS (
  INSERT INTO question_banks_attemptevent (attempt_id, kind, at, data)
  SELECT id, 'started', %(now)s, %(event)s::jsonb FROM started
)
SELECT id, closes FROM started
"""


class QuickStart(NamedTuple):
    attempt_id: int
    answers_close_at: dt.datetime  # the deadline plus the session's grace (the pass's end)


def attempt_start_quick(
    *,
    person_id: int,
    session_code: str,
    client_id: str,
    access_code: str = "",
    now: dt.datetime | None = None,
) -> QuickStart | None:
    """Start the person's paper drawn ahead in one statement: its id and when it stops
    taking answers, or None when anything
    needs attempt_start (no paper drawn yet, a resume or another tab, a retake, a network or
    prerequisite rule, a refusal to explain). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return None
    params: dict[str, Any] = {
        "in_progress": Attempt.Status.IN_PROGRESS,
        "ready": Attempt.Status.READY,
        "finished": [str(status) for status in FINISHED],
        "now": now or timezone.now(),
        "client": client_id,
        "code": session_code,
        "access_code": access_code.strip(),
        "person": person_id,
        "event": json.dumps({"client": client_id}),
    }
    with connection.cursor() as cursor:
        cursor.execute(_QUICK_START_SQL, params)
        row = cursor.fetchone()
    return QuickStart(*row) if row is not None else None


# ---------------------------------------------------------------- answering

# One statement for the save an exam page sends every few seconds: the item is written only
# if its attempt is this person's, in progress, held by this tab and within its deadline and
# grace, and only over an older answer. {flagged} is filled in when the post sets the flag.
_QUICK_SAVE_SQL = """
UPDATE question_banks_attemptitem AS item
   SET answer = %(answer)s::jsonb, answer_seq = %(seq)s, answered_at = %(now)s{flagged}
  FROM question_banks_attempt AS attempt
  LEFT JOIN question_banks_examsession AS session ON session.id = attempt.session_id
 WHERE item.id = %(item)s
   AND item.attempt_id = attempt.id
   AND item.answer_seq < %(seq)s
   AND attempt.id = %(attempt)s
   AND attempt.person_id = %(person)s
   AND attempt.status = %(status)s
   AND (attempt.client_id = '' OR attempt.client_id = %(client)s)
   AND attempt.deadline + make_interval(secs => COALESCE(session.grace_seconds, 0)) >= %(now)s
RETURNING attempt.deadline
"""


def answer_save_quick(
    *,
    person_id: int,
    attempt_id: int,
    client_id: str,
    entry: dict,
    now: dt.datetime | None = None,
) -> tuple[SaveResult, dt.datetime] | None:
    """Save one answer in one UPDATE, when nothing needs explaining: (the result, the
    deadline). None otherwise (the paper is not cached yet, the answer does not validate, the
    attempt refuses it, or a newer answer is already saved): answers_save then reads the
    attempt and says why, with the same outcome it always had. PostgreSQL only.

    The paper's slots are read before the attempt's owner is known: they hold no answers,
    and the UPDATE writes nothing unless the attempt is this person's."""
    if connection.vendor != "postgresql":
        return None
    position, seq, flagged = entry.get("position"), entry.get("seq"), entry.get("flagged")
    if not is_count(position, MAX_POSITION) or not is_count(seq, MAX_SEQ):
        return None
    if flagged is not None and not isinstance(flagged, bool):
        return None
    item = paper_slot(attempt_id, position)
    if item is None:
        return None
    try:
        answer = validate_answer(item, item.qtype, entry.get("answer"))
    except ExamError:
        return None
    params = {
        "answer": None if answer is None else json.dumps(answer),
        "seq": seq,
        "now": now or timezone.now(),
        "item": item.item_id,
        "attempt": attempt_id,
        "person": person_id,
        "status": Attempt.Status.IN_PROGRESS,
        "client": client_id,
        "flagged": flagged,
    }
    sql = _QUICK_SAVE_SQL.format(flagged=", flagged = %(flagged)s" if flagged is not None else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return SaveResult(position, seq, True), row[0]


# ---------------------------------------------------------------- submitting

# The hand-in at the end of an exam, a thousand in the same minute: the attempt becomes
# submitted only if it is this person's, in progress, held by this tab and within its
# deadline and grace; the "submitted" event is written by the same statement. A second
# click finds it submitted already and does nothing (the caller then takes the long way,
# which answers "submitted" again and queues nothing).
_QUICK_SUBMIT_SQL = """
WITH handed_in AS (
  UPDATE question_banks_attempt AS attempt
     SET status = %(submitted)s, finished_at = %(now)s
   WHERE attempt.id = %(attempt)s
     AND attempt.person_id = %(person)s
     AND attempt.status = %(in_progress)s
     AND (attempt.client_id = '' OR attempt.client_id = %(client)s)
     AND attempt.deadline + make_interval(secs => COALESCE(
           (SELECT session.grace_seconds FROM question_banks_examsession AS session
             WHERE session.id = attempt.session_id), 0)) >= %(now)s
  RETURNING attempt.id, attempt.deadline
), logged AS (
  INSERT INTO question_banks_attemptevent (attempt_id, kind, at, data)
  SELECT id, %(submitted)s, %(now)s, '{}'::jsonb FROM handed_in
)
SELECT id, deadline FROM handed_in
"""


def attempt_submit_quick(
    *, person_id: int, attempt_id: int, client_id: str, now: dt.datetime
) -> dt.datetime | None:
    """Record the submit in one statement when nothing needs explaining: the attempt's
    deadline, or None (a repeated click, another tab, past the deadline, someone else's
    attempt; no broker, where the submit grades in its own transaction), when
    attempt_submit reads the attempt and says why. PostgreSQL only. The grade is queued
    on commit, as attempt_submit's grade_later does."""
    if connection.vendor != "postgresql" or not grading.grades_queued():
        return None
    params: dict[str, Any] = {
        "submitted": Attempt.Status.SUBMITTED,
        "in_progress": Attempt.Status.IN_PROGRESS,
        "now": now,
        "attempt": attempt_id,
        "person": person_id,
        "client": client_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_QUICK_SUBMIT_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    grading.grade_on_commit(attempt_id)
    return row[1]
