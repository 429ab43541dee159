"""Celery tasks of the campaigns app: thin and safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def warning_readers_sync_task(person_ids: list[int] | None = None) -> tuple[int, int]:
    """Open warning assignments' readers follow the rosters: for the people whose jobs just
    changed (roster.events.jobs_changed), or every open assignment (nightly)."""
    from .services.warning_readers import warning_assignments_sync

    return warning_assignments_sync(person_ids=person_ids)


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def rotation_members_sync_task(person_ids: list[int] | None = None) -> tuple[int, int]:
    """Open rotation campaigns' members follow the rosters: for the people whose jobs just
    changed (roster.events.jobs_changed), or every open campaign (nightly)."""
    from .services.rotation import rotation_members_follow

    return rotation_members_follow(person_ids=person_ids)
