"""Production's static files storage: hashed URLs from the manifest, each worked out once."""

import json

import pytest

from config.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0123abcd.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_the_url_is_the_hashed_name_and_is_worked_out_once(storage, monkeypatch):
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    # The manifest no longer consulted: the name's URL is remembered for the process.
    monkeypatch.setattr(storage, "hashed_files", {})
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"


def test_a_name_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/missing.js")
    assert "js/missing.js" not in storage._urls


def test_debug_serves_unhashed_names_and_remembers_nothing(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/app.css") == "/static/css/app.css"
    assert storage._urls == {}
