"""Question types are compared through question_banks.choices.QuestionType, never through
string literals: a renamed or added type is then found by the reader and the type checker.
(question_banks/views is left to its own change.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"judge", "single", "multiple", "case"}
PACKAGES = ("question_banks", "certificates", "courses", "reports", "roster", "documents", "demo")


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
    paths = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and "views" not in path.relative_to(ROOT).parts[1:2]
    ]
    assert len(paths) > 100
    found = [hit for path in paths for hit in _literal_comparisons(path)]
    assert not found, found
