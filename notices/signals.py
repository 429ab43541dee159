"""What notices hangs on the other apps, wired once in every process (imported by
NoticesConfig.ready(), as every app wires its signals): open notices' receipts follow people
hired, moved or changed on the rosters."""

from __future__ import annotations

from django.dispatch import receiver

from config.celery import send_or_leave
from roster.events import after_commit_for_people, jobs_changed


def _sync(ids: list[int]) -> None:
    # Run here if the broker is away: the nightly sync would catch up, but the publisher's
    # list and the newcomer's unread count would lag a day. Never raised at the roster
    # change (committed already): what fails is left to the nightly run.
    send_or_leave(
        "notices.tasks.readers_sync_task",
        person_ids=ids,
        sweep="the nightly notice-readers-sync (02:40)",
    )


@receiver(jobs_changed, dispatch_uid="notices.readers_follow_rosters")
def _jobs_changed(sender, person_ids: frozenset[int], **kwargs) -> None:
    after_commit_for_people("notices", person_ids, _sync)
