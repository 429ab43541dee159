"""Shared fixtures: a small world of regions, industries, enterprises, people and one user
per role, so every test can ask "what does this role see?" of the same data."""

from pathlib import Path

import pytest

from tests.factories import build_world

FAULTS = Path(__file__).parent / "faults"


def pytest_collection_modifyitems(items):
    # `make test` runs on several workers (pytest-xdist, --dist loadgroup). The fault tests
    # start and kill their own PostgreSQL, Redis and Celery processes and some measure how
    # long a stall lasts: they run one after another on one worker.
    # A module that seeds its data once (module_db) keeps its tests together, or each
    # worker would seed it again.
    # With a report replica (CI's PostgreSQL run), a transactional test's requests read their
    # figures there, as production does (reports/replica.py): the replica's connection must be
    # open to them. It is a mirror of the test database, so nothing is flushed there.
    from django.conf import settings

    replica = "replica" in settings.DATABASES
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        if replica and transactional and "databases" not in marker.kwargs:
            kwargs = {**marker.kwargs, "databases": ["default", "replica"]}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        if FAULTS in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("faults"))
        elif "module_db" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.IMPORT_PENDING_DIR = tmp_path / "pending-imports"


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the test client leaves its language active in the thread
    # (LocaleMiddleware activates it and nothing undoes that): the next test, on the same
    # worker, would otherwise see English messages after a request with Accept-Language: en.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached documents (published keys, the status list, rate limits) describe one test's
    # database, and so do the copies each process keeps in memory (config/process_memory.py):
    # the next test must not see them.
    from django.core.cache import cache

    from config.process_memory import reset_all

    cache.clear()
    reset_all()
    yield
    cache.clear()
    reset_all()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """One transaction around a whole module, rolled back after its last test: what a
    module-scoped fixture writes under it is shared by the module's tests, each of which
    runs in its own transaction nested inside (Django's TestCase.setUpTestData, for data
    that takes seconds to build). Its files go to a scratch media directory."""
    from django.db import transaction
    from django.test import override_settings

    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("module-media"),
        PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("module-private"),
    )
    with django_db_blocker.unblock(), media:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_county(module_db):
    """The whole demo (`seed_demo`), seeded once for the module that asks; its output."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.fixture
def world(db):
    return build_world()
