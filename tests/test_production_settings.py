"""Production refuses to start without its secrets (config/settings/production.py).

The settings module is executed afresh in this process with a chosen environment (runpy: the
suite's own settings stay loaded), and once as `manage.py` runs it, in a child process."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "training.example.org",
}


def production_settings(monkeypatch, **environ):
    for name, value in {**PRODUCTION, **environ}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_module("config.settings.production")


@pytest.mark.parametrize("passphrase", [None, "", "   "])
def test_production_refuses_to_start_without_a_certificate_key_passphrase(monkeypatch, passphrase):
    """Without it the signing keys would be stored unencrypted in the database."""
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_KEY_PASSPHRASE must be set"):
        production_settings(monkeypatch, CERTIFICATE_KEY_PASSPHRASE=passphrase)


def test_production_starts_with_the_passphrase_that_encrypts_the_signing_keys(monkeypatch):
    settings = production_settings(monkeypatch, CERTIFICATE_KEY_PASSPHRASE="a long passphrase")
    assert settings["CERTIFICATE_KEY_PASSPHRASE"] == "a long passphrase"
    assert settings["DEBUG"] is False


def test_manage_py_under_production_settings_exits_with_the_reason(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # Set but empty, so that a developer's .env (read only for what is unset) cannot fill it.
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings.production")
    env["CERTIFICATE_KEY_PASSPHRASE"] = ""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CERTIFICATE_KEY_PASSPHRASE must be set in production" in result.stderr
