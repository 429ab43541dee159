"""The Celery app. Workers: `celery -A config worker`; beat: `celery -A config beat`."""

import importlib
import logging
import os
import threading

from celery import Celery
from celery.result import EagerResult
from celery.signals import worker_process_init
from django import db
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("safety_training")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


@worker_process_init.connect
def _yield_to_the_web(**kwargs) -> None:
    """A task process (prefork's child) gives way to the web server and the database on the
    same cores: the grades that a thousand submits queue at once wait for the answers to
    those submits, not the other way round (bench/bench_load.py, submit phase). Only task
    processes: the worker's own process (its broker connection) and beat keep their
    priority. WORKER_NICE=0 turns it off."""
    from django.conf import settings

    if settings.WORKER_NICE > 0:
        os.nice(settings.WORKER_NICE)


# What a task is retried through (`autoretry_for`, with backoff and a maximum): the database
# going away for a while (a restart, a fail-over, a dropped connection), named by the
# exceptions Django raises for it; Python's ConnectionError is raised by none of the database,
# Redis or the broker. Celery's Django fix-up closes a broken connection before the next try.
# Redis (redis.exceptions.ConnectionError, TimeoutError) does not reach a task: the cache
# falls back to the process's memory (config/cache.py). Nor does the broker
# (kombu.exceptions.OperationalError): tasks are sent through send_or_run / send_or_skip
# below, which catch it. A task that used either directly would name it too.
DATABASE_OUTAGE = (db.OperationalError, db.InterfaceError)
# 1, 2, 4 ... 256 s, then every 5 minutes (each with Celery's jitter): about ten minutes of
# retries, which outlasts a PostgreSQL restart or fail-over.
OUTAGE_RETRY = {"retry_backoff": True, "retry_backoff_max": 300, "max_retries": 10}

# Sending a task to a broker that is gone: retry briefly, then give up (and run it here).
_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def task_named(task):
    """The registered task for a dotted name ("certificates.tasks.render_pdf_batch_task").

    A service that enqueues its app's task names it instead of importing it: tasks.py imports
    the services it calls, so an import the other way would make the two modules import each
    other. The tasks modules are found by Celery's autodiscovery, loaded on first use."""
    if not isinstance(task, str):
        return task
    if task not in app.tasks:
        # Importing the task's own module: a second thread asking at the same moment waits
        # on Python's import lock until the module (and its tasks) are there, where Celery's
        # import_default_modules would let it through before the first thread had finished.
        with _first_lookup:
            try:
                importlib.import_module(task.rsplit(".", 1)[0])
            except ImportError:
                app.loader.import_default_modules()
    return app.tasks[task]


_first_lookup = threading.Lock()


def _send(task, args, kwargs, options=None):
    """The task sent to the workers (or run here when no broker is configured); None when
    the broker cannot be reached. `task` is a task or its dotted name (task_named);
    `options` are apply_async's own (a countdown), not the task's arguments."""
    task = task_named(task)
    options = options or {}
    if task.app.conf.task_always_eager:  # no broker configured: inline anyway
        return task.apply_async(args, kwargs, **options)
    try:
        return task.apply_async(args, kwargs, retry=True, retry_policy=_PUBLISH_RETRY, **options)
    except (OperationalError, OSError) as exc:
        log.warning("broker unreachable (%s) for %s", exc, task.name)
    except Exception:
        # Anything else the broker answers (Redis out of memory or read-only refuses the
        # push with a ResponseError, which kombu does not count as a connection error): the
        # task is not sent either, and the caller's committed change must not become a 500.
        log.exception("broker refused %s", task.name)
    return None


def tasks_inline() -> bool:
    """Whether tasks run here and now (no broker configured: the embedded default and the
    tests). A service that would queue work after its commit does it in place instead: on
    commit would wait for a commit that a test's transaction never makes."""
    return bool(app.conf.task_always_eager)


def send_or_run(task, *args, **kwargs):
    """Send `task` to the workers; if the broker cannot be reached, run it here and now.

    For tasks whose work must not be lost with the broker (ARCHITECTURE.md rule 1): a
    certificate earned by a pass. Such tasks are idempotent, so running one inline that a
    worker also runs later does no harm. A task that fails inline is logged, not raised: the
    caller's own change (a submitted exam) has committed and must be answered as such."""
    task = task_named(task)
    sent = _send(task, args, kwargs)
    if sent is not None:
        return sent
    log.warning("running %s inline", task.name)
    result = task.apply(args, kwargs, throw=False)
    if result.failed():
        log.error("%s failed inline: %r", task.name, result.result, exc_info=result.result)
    return result


def send_or_skip(task, *args, **kwargs):
    """Send `task`; if the broker cannot be reached, go on without it. For work that only
    saves time later and is done anyway when it is needed: papers drawn ahead of an exam (an
    attempt draws its own paper at start when none is waiting)."""
    return _send(task, args, kwargs)


def send_or_leave(
    task, *args, sweep: str, run_if_down: bool = True, options: dict | None = None, **kwargs
):
    """Send `task` from an on-commit hook, where the caller's change has committed: never
    raises. With `run_if_down` the task runs here when the broker cannot take it
    (send_or_run); otherwise, or when that fails too, the failure is logged and the work is
    left to `sweep`, the beat task or lazy path named for the log (the one that does it
    later). `options`: apply_async's (a countdown) for a task that is sent, never with
    `run_if_down` (a task run here runs now). Returns what was sent or run, or None."""
    name = getattr(task, "name", task)
    if run_if_down and options:
        raise ValueError("apply_async options only apply to a task that is sent")
    try:
        if run_if_down:
            result = send_or_run(task, *args, **kwargs)
            # Only a run here has an outcome to look at. A sent task's result lives in the
            # result backend: production has none (asking raises), and a worker's outcome
            # is its own to log.
            if isinstance(result, EagerResult) and result.failed():
                log.warning("%s failed here; left to %s", name, sweep)
            return result
        sent = _send(task, args, kwargs, options)
        if sent is None:
            log.warning("%s not sent; left to %s", name, sweep)
        return sent
    except Exception:
        log.exception("%s neither sent nor run after the commit; left to %s", name, sweep)
        return None


def send_on_commit(task, *args, sweep: str, run_if_down: bool = True, **kwargs) -> None:
    """send_or_leave once the current transaction commits (at once outside one). The one
    way services queue a task after their write: a broker that refuses then costs the user
    nothing (robust: even an error in the hook itself is logged, not raised at the request
    whose change has committed)."""
    from django.db import transaction

    transaction.on_commit(
        lambda: send_or_leave(task, *args, sweep=sweep, run_if_down=run_if_down, **kwargs),
        robust=True,
    )
