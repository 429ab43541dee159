"""docs/RULES.md stays true: every file it names exists, every `path::name` it names is
defined there (a test function in a test file; a function, class, constant or a class's
field elsewhere), and every row of its tables names a test or says the rule is in progress
on another branch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "RULES.md"
REFERENCE = re.compile(r"`([A-Za-z0-9_./-]+\.(?:py|html|json|md))(?:::([A-Za-z0-9_.]+))?`")
IN_PROGRESS = "in progress (i26rules)"


def references() -> list[tuple[str, str]]:
    text = TABLE.read_text(encoding="utf-8")
    return sorted(
        {(path, name) for path, name in REFERENCE.findall(text) if not path.startswith("../")}
    )


def _defined(source: str, name: str, *, test: bool) -> bool:
    if test:
        return re.search(rf"^def {re.escape(name)}\(", source, re.MULTILINE) is not None
    first, *attributes = name.split(".")
    top = rf"^(?:(?:def|class) {re.escape(first)}\b|{re.escape(first)}\s*[:=])"
    match = re.search(top, source, re.MULTILINE)
    if match is None:
        return False
    for attribute in attributes:
        inner = rf"^\s+(?:def {re.escape(attribute)}\(|{re.escape(attribute)}\s*[:=])"
        if re.search(inner, source[match.start() :], re.MULTILINE) is None:
            return False
    return True


def test_the_table_names_files_and_tests():
    refs = references()
    assert len(refs) > 100
    assert any(path.startswith("tests/") and name for path, name in refs)


@pytest.mark.parametrize(("path", "name"), references(), ids=lambda v: v or "-")
def test_each_reference_exists(path, name):
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    if name:
        source = file.read_text(encoding="utf-8")
        assert _defined(source, name, test=path.startswith("tests/")), f"{path}::{name}"


def test_every_row_names_a_test_or_is_in_progress():
    rows = [
        line
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| rule |")
    ]
    rows = [r for r in rows if not r.startswith(("| page |", "| input |", "| --- |"))]
    assert rows
    for row in rows:
        assert IN_PROGRESS in row or re.search(r"`tests/[^`]+::test_\w+`", row), row


def test_the_last_gaps_have_their_rows_and_tests():
    """The six gaps the audit listed while they were being closed now name their tests."""
    text = TABLE.read_text(encoding="utf-8")
    for item in (
        "serious 违章 severity",
        "retraining check at exam start",
        "certificates issued by hand asking for a practical",
        'renaming old "-2" numbers',
        "test_the_holder_and_their_admin_see_the_missing_training_beside_the_window",
        "tests/e2e/test_health_check_browser.py",
    ):
        assert item in text, item
    assert IN_PROGRESS not in text
