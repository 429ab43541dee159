"""Question types are compared through question_banks.choices.QuestionType, never through
string literals: a renamed or added type is then found by the reader and the type checker.
Templates ask the objects (`question.is_case`, `part.multiple`), which use the constants."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"judge", "single", "multiple", "case"}
# Every app (views included) and the shared documents package.
PACKAGES = sorted({path.parent.name for path in ROOT.glob("*/apps.py")} | {"documents"})
# A type written as a string beside a comparison in a template: {% if x.qtype == "case" %}.
_NAMES = "|".join(sorted(TYPES))
TEMPLATE_COMPARISON = re.compile(
    rf"qtype\s*(?:==|!=)\s*['\"](?:{_NAMES})['\"]|['\"](?:{_NAMES})['\"]\s*(?:==|!=)\s*[\w.]*qtype"
)


def _literal_comparisons(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for operand in operands:
            values = (
                operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]
            )
            for value in values:
                if isinstance(value, ast.Constant) and value.value in TYPES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_question_type_is_compared_as_a_string():
    assert {"question_banks", "contests", "certificates", "demo"} <= set(PACKAGES)
    paths = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert len(paths) > 300
    found = [hit for path in paths for hit in _literal_comparisons(path)]
    assert not found, found


def test_no_template_compares_a_question_type_as_a_string():
    paths = [path for package in PACKAGES for path in (ROOT / package).rglob("*.html")]
    assert len(paths) > 100
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in paths
        for text in [path.read_text(encoding="utf-8")]
        for match in TEMPLATE_COMPARISON.finditer(text)
    ]
    assert not found, found
