"""What contests hangs on the exam engine and on courses, wired once in every process
(imported by ContestsConfig.ready(), as every app wires its signals): standings written when
the engine grades an attempt, the rank shown on a contest attempt's result page instead of
passed / not passed, the 知识竞赛 section of each person's training file, and which mock
attempts are daily questions (kept off 我的考试's mock exams). Both apps sit
below contests, so contests hands them its parts instead of them importing up."""

from __future__ import annotations

from django.dispatch import receiver

from question_banks.models import Attempt
from question_banks.providers import register_attempt_standing, register_attempts_shown_elsewhere
from question_banks.signals import attempt_finished

from . import training_file  # noqa: F401  (registers its section on import)
from .models import DailySet
from .selectors import attempt_standing
from .services.scoring import attempt_standing_record

register_attempt_standing(attempt_standing)


@register_attempts_shown_elsewhere
def daily_attempts(*, person_id: int):
    """The person's daily questions: mock attempts of the engine, shown on the contest's
    page (with the streak), not among the mock exams of 我的考试."""
    return DailySet.objects.filter(person_id=person_id).values("attempt_id")


@receiver(attempt_finished, dispatch_uid="contests.standings")
def standings_on_attempt_finished(sender, attempt: Attempt, **kwargs) -> None:
    # Inside the grading transaction: the standing commits or rolls back with the grade.
    attempt_standing_record(attempt=attempt)
