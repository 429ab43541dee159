"""Settings of our own that are declared are read, and the ones read are declared.

A declared setting nothing reads misleads whoever tunes it (a page size that four views
ignored); a read setting nobody declares fails only on the page that reads it. Django's own
settings and those of the libraries we configure (Celery, Wagtail, whitenoise) are read by
them and are left out.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.conf import global_settings, settings

import config.settings.base as base

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_PREFIXES = ("CELERY_", "WAGTAIL", "WHITENOISE_")
READ_BY_DJANGO = {"BASE_DIR", "ROOT_URLCONF", "ASGI_APPLICATION"}


def _product_sources() -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return {
        name: (ROOT / name).read_text(encoding="utf-8")
        for name in listed
        if not name.startswith(("config/settings/", "tests/", "bench/"))
        and "/migrations/" not in name
        and (ROOT / name).exists()
    }


def test_every_setting_of_our_own_is_read():
    ours = [
        name
        for name in dir(base)
        if name.isupper()
        and not hasattr(global_settings, name)
        and not name.startswith(LIBRARY_PREFIXES)
        and name not in READ_BY_DJANGO
    ]
    assert "LIST_PAGE_SIZE" in ours
    # A setting the other settings are derived from (REDIS_URL) is read there: its uses in
    # the settings modules, less its own assignment and the environment variables' names.
    derived = "\n".join(
        re.sub(r"(?m)^[A-Z][A-Z0-9_]* = |\"[^\"]*\"", "", path.read_text(encoding="utf-8"))
        for path in (ROOT / "config" / "settings").glob("*.py")
    )
    text = "\n".join([*_product_sources().values(), derived])
    unread = [name for name in ours if not re.search(rf"\b{name}\b", text)]
    assert not unread, f"declared but never read: {unread}"


def test_every_setting_read_is_declared():
    pattern = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]+)")
    read = {name for source in _product_sources().values() for name in pattern.findall(source)}
    assert "LIST_PAGE_SIZE" in read
    undeclared = sorted(name for name in read if not hasattr(settings, name))
    assert not undeclared, f"read but never declared: {undeclared}"


def test_settings_are_read_by_name_without_a_second_default():
    """`settings.NAME`, not `getattr(settings, "NAME", default)`: a default in the code is a
    second declaration that can disagree with the one in config/settings, and hides a
    setting nobody declared from the test above."""
    pattern = re.compile(r"getattr\(\s*settings\s*,")
    found = [
        f"{name}:{source[: match.start()].count(chr(10)) + 1}"
        for name, source in _product_sources().items()
        for match in pattern.finditer(source)
    ]
    assert not found, found


def test_the_overlays_set_only_settings_the_base_declares():
    """dev, test and production change values; a setting only one of them declares is missing
    in the others (reports' REPORTS_MAX_STALE_SECONDS was production's alone)."""
    assignment = re.compile(r"(?m)^([A-Z][A-Z0-9_]*)\s*=")
    overlays = ("dev.py", "test.py", "production.py")
    missing = sorted(
        f"{overlay}: {name}"
        for overlay in overlays
        for name in assignment.findall(
            (ROOT / "config" / "settings" / overlay).read_text(encoding="utf-8")
        )
        if not hasattr(base, name) and not hasattr(global_settings, name)
    )
    assert not missing, missing
