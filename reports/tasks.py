from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY

from .maintained import employment_figures_drain, employment_figures_move_on
from .snapshots import snapshot_recent


@shared_task
def snapshot_month_ends_task() -> int:
    """Nightly: the last twelve month-ends again, so backdated records reach the trend."""
    return snapshot_recent()


@shared_task(autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def refresh_report_figures_task() -> int:
    """A few seconds after a change, and every minute: the queued people's and enterprises'
    maintained figures, all in one batch. Safe to run twice (the rows are replaced)."""
    return employment_figures_drain()


@shared_task(autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def move_report_figures_on_task() -> int:
    """Just after midnight: the maintained figures moved on to the new day."""
    return employment_figures_move_on()
