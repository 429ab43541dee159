"""Fault tests: real Redis, PostgreSQL, Celery and web processes, started and stopped here.

Missing binaries (redis-server, initdb/pg_ctl) skip with the reason, unless REQUIRE_FAULTS=1
is set, in which case they fail. Tests marked `postgres` need the suite's database to be
PostgreSQL (a worker process cannot see SQLite's in-memory test database); on SQLite they
skip with that reason, and CI's PostgreSQL run runs them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.faults.processes import RedisServer
from tests.question_banks.conftest import (  # noqa: F401
    bank,
    examinee,
    now,
    rule,
    session,
    started_attempt,
)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if django_settings.DATABASES["default"]["ENGINE"] != "config.postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL; CI's PostgreSQL run runs it)")


@pytest.fixture
def workdir():
    """A scratch directory other users can enter (PostgreSQL runs as `postgres`)."""
    path = Path(tempfile.mkdtemp(prefix="faults-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def redis_server(workdir):
    server = RedisServer(workdir)
    try:
        yield server.start()
    finally:
        server.stop()


def _reset_celery_connections(app) -> None:
    """Forget pooled broker connections so the next send uses the current broker_url.
    kombu keeps its pools in a registry of its own: clear that too, or a pool closed here
    would be handed out again (eager tasks also take a producer from it)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def on_redis(settings, redis_server):
    """This process's cache and Celery broker on our Redis, tasks sent (not run inline):
    production's set-up, with the settings production uses for a REDIS_URL."""
    from config.celery import app
    from config.settings.base import redis_cache

    keys = ("broker_url", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    settings.CACHES = {"default": redis_cache(redis_server.url)}
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    _reset_celery_connections(app)
    try:
        yield redis_server
    finally:
        app.conf.update(saved)
        _reset_celery_connections(app)
