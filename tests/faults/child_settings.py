"""Settings of the Celery workers and web servers the fault tests start as child processes:
the test settings (DATABASE_URL and REDIS_URL from the environment, as in production), tasks
sent rather than run inline, and a short Redis visibility timeout so a task held by a killed
worker is handed to another one within seconds (production keeps kombu's hour; see
tests/faults/test_worker_killed.py)."""

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
