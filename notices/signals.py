"""What notices hangs on the other apps, wired once in every process (imported by
NoticesConfig.ready(), as every app wires its signals): open notices' receipts follow people
hired, moved or changed on the rosters."""

from __future__ import annotations

from django.dispatch import receiver

from config.celery import send_or_run
from roster.events import after_commit_for_people, jobs_changed


def _sync(ids: list[int]) -> None:
    # Run here if the broker is away: the nightly sync would catch up, but the publisher's
    # list and the newcomer's unread count would lag a day.
    send_or_run("notices.tasks.readers_sync_task", person_ids=ids)


@receiver(jobs_changed, dispatch_uid="notices.readers_follow_rosters")
def _jobs_changed(sender, person_ids: frozenset[int], **kwargs) -> None:
    after_commit_for_people("notices", person_ids, _sync)
