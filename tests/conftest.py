"""Shared fixtures: a small world of regions, industries, enterprises, people and one user
per role, so every test can ask "what does this role see?" of the same data."""

import pytest

from tests.factories import build_world


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached documents (published keys, the status list, rate limits) describe one test's
    # database; the next test must not see them.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()
