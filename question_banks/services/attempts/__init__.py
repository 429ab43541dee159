"""The life of an attempt: draw, start, save answers, submit, grade (ARCHITECTURE rules 1-3).

The server's clock decides: the deadline is stored when the attempt starts, answers after it
(plus the session's grace) are refused, and an overdue attempt is graded with what was saved,
by a periodic task and also lazily whenever it is touched, so no worker is needed.

One module per step, each importing only the steps after it (starting and answering use
grading's clock; nothing imports back): drawing, starting, answering, grading. Callers
import from here.
"""

from question_banks.services.attempts.answering import (
    EVENT_DATA_MAX_BYTES,
    EVENT_KINDS,
    MAX_POSITION,
    MAX_SEQ,
    SaveResult,
    answers_save,
    attempt_event,
    is_count,
    validate_answer,
)
from question_banks.services.attempts.drawing import attempt_draw, session_predraw
from question_banks.services.attempts.grading import (
    FINISHED,
    answers_close_at,
    attempt_expire_if_overdue,
    attempt_grade,
    attempt_grade_if_stale,
    attempt_grade_pending,
    attempt_graded,
    attempt_overdue,
    attempt_submit,
    attempts_expire_overdue,
    attempts_grade_stale,
    attempts_grade_waiting,
    grade_task_started,
    pass_mark,
    require_holder,
    session_result_for,
)
from question_banks.services.attempts.starting import (
    OPEN,
    StartCheck,
    attempt_start,
    attempt_take_over,
    mock_start,
    retrain_reason,
    session_start_check,
)
from question_banks.services.errors import ExamError

__all__ = [
    "EVENT_DATA_MAX_BYTES",
    "EVENT_KINDS",
    "FINISHED",
    "MAX_POSITION",
    "MAX_SEQ",
    "OPEN",
    "ExamError",
    "SaveResult",
    "StartCheck",
    "answers_close_at",
    "answers_save",
    "attempt_draw",
    "attempt_event",
    "attempt_expire_if_overdue",
    "attempt_grade",
    "attempt_grade_if_stale",
    "attempt_grade_pending",
    "attempt_graded",
    "attempt_overdue",
    "attempt_start",
    "attempt_submit",
    "attempt_take_over",
    "attempts_expire_overdue",
    "attempts_grade_stale",
    "attempts_grade_waiting",
    "grade_task_started",
    "is_count",
    "mock_start",
    "pass_mark",
    "require_holder",
    "retrain_reason",
    "session_predraw",
    "session_result_for",
    "session_start_check",
    "validate_answer",
]
