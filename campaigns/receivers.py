"""Receivers of other apps' signals; connected by CampaignsConfig.ready()."""

from __future__ import annotations

from django.dispatch import receiver

# The closing exam follows grading (its receiver lives with the service it calls).
from campaigns.services import closing_exam  # noqa: F401
from config.celery import send_or_run
from roster.events import after_commit_for_people, jobs_changed


def _sync(ids: list[int]) -> None:
    send_or_run("campaigns.tasks.warning_readers_sync_task", person_ids=ids)


@receiver(jobs_changed, dispatch_uid="campaigns.warning_readers_follow_rosters")
def _jobs_changed(sender, person_ids: frozenset[int], **kwargs) -> None:
    after_commit_for_people("campaigns", person_ids, _sync)
