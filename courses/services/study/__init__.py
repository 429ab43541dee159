"""Studying: player heartbeats and reading ticks, credited by the server.

The pure rules live in courses.credit; this package wraps them with the database, one module
per step, each importing only the ones listed after it (nothing imports back):

- heartbeat: a video player's report, credited by courses.credit.beat;
- reading: the reading clock of text lessons and of any page read for credit (warning cases);
- snapshots: webcam pictures kept as attendance evidence;
- challenges: idle checks, issued after a random amount of credited study and answered by
  the learner; from an unanswered check's deadline nothing is credited;
- crediting: earned time into LessonProgress (exact seconds) and the day's CreditEntry
  (whole minutes of the exact running total, so no seconds are lost to rounding);
- stream: the person's StudyStream row, locked for every report so two tabs or a retry race
  cannot both credit the same seconds, and the HeartbeatLog of every report, refused too;
- outcomes: result codes, their messages and StudyError.

Who may earn credit, and the learner's progress and hours, are reads: courses.selectors
(lesson_open_to, lesson_study, my_courses, year_hours). Callers import the steps from here.
"""

from courses.services.study.challenges import challenge_answer
from courses.services.study.crediting import credit_minutes_add
from courses.services.study.heartbeat import heartbeat
from courses.services.study.outcomes import (
    COMPLETE,
    COMPLETE_SHARE,
    NOT_ALLOWED,
    WRONG_KIND,
    HeartbeatResult,
    StudyError,
    result_message,
)
from courses.services.study.reading import ClockTick, reading_clock, reading_tick
from courses.services.study.snapshots import SNAPSHOT_MAX_BYTES, SNAPSHOT_MAX_SIDE, snapshot_save

__all__ = [
    "COMPLETE",
    "COMPLETE_SHARE",
    "NOT_ALLOWED",
    "SNAPSHOT_MAX_BYTES",
    "SNAPSHOT_MAX_SIDE",
    "WRONG_KIND",
    "ClockTick",
    "HeartbeatResult",
    "StudyError",
    "challenge_answer",
    "credit_minutes_add",
    "heartbeat",
    "reading_clock",
    "reading_tick",
    "result_message",
    "snapshot_save",
]
