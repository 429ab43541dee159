"""What campaigns hangs on the other apps, wired once in every process (imported by
CampaignsConfig.ready(), as every app wires its signals): rotation training and warning
education as sections of each person's training file (courses sits below campaigns, so
campaigns hands courses the sections instead of courses importing up); open warning
assignments and rotation campaigns' members that follow the rosters; the rotation's closing
exam that follows grading."""

from __future__ import annotations

from django.dispatch import receiver

from config.celery import send_or_leave
from question_banks.models import Attempt
from question_banks.signals import attempt_finished
from roster.events import after_commit_for_people, jobs_changed

from . import training_file  # noqa: F401  (registers its sections on import)
from .services.closing_exam import closing_exam_result_follow


def _sync(ids: list[int]) -> None:
    # Run here if the broker is away; never raised at the committed roster change: what
    # fails is left to the nightly runs.
    send_or_leave(
        "campaigns.tasks.warning_readers_sync_task",
        person_ids=ids,
        sweep="the nightly warning-readers-sync (02:45)",
    )
    send_or_leave(
        "campaigns.tasks.rotation_members_sync_task",
        person_ids=ids,
        sweep="the nightly rotation-members-sync (02:50)",
    )


@receiver(jobs_changed, dispatch_uid="campaigns.warning_readers_follow_rosters")
def _jobs_changed(sender, person_ids: frozenset[int], **kwargs) -> None:
    after_commit_for_people("campaigns", person_ids, _sync)


@receiver(attempt_finished, dispatch_uid="campaigns.closing_exam_on_grading")
def _on_attempt_finished(sender, attempt: Attempt, **kwargs) -> None:
    # Inside the grading transaction: the record commits or rolls back with the grade.
    closing_exam_result_follow(attempt=attempt)
