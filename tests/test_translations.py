"""Simplified Chinese is the default language: every user-facing string must be translated.

The compiled .mo is committed (a machine with only Python cannot run msgfmt), so these tests
prove it matches the .po, that nothing is left untranslated, and that no string in the code
is missing from the catalogue.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "site" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "config",
    "documents",
    "roster",
    "courses",
    "question_banks",
    "certificates",
    "reports",
    "notices",
    "drills",
    "demo",
    "contests",
    "site",
    "campaigns",
]


def entries(catalogue):
    return {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in catalogue
    }


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    live = [e for e in po if not e.obsolete]
    assert entries(mo) == entries(live)


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("GNU gettext (xgettext) is required in CI")
        pytest.skip("GNU gettext (xgettext) is not installed")
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "*.po"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    fresh = polib.pofile(str(tmp_path / "site/locale/zh_Hans/LC_MESSAGES/django.po"))
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert missing == [], "run `make messages-update`, translate, then `make messages`"
