"""Shared fixtures: a small world of regions, industries, enterprises, people and one user
per role, so every test can ask "what does this role see?" of the same data."""

import pytest

from tests.factories import build_world


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()
