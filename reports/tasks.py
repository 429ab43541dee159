from celery import shared_task

from .snapshots import snapshot_recent


@shared_task
def snapshot_month_ends_task() -> int:
    """Nightly: the last twelve month-ends again, so backdated records reach the trend."""
    return snapshot_recent()
