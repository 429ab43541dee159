"""The demo county lives in demo/ only: no product app carries demo modules or imports them,
and the loaders read their data from files."""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "documents", "roster", "courses", "question_banks", "certificates", "reports")


def test_no_product_app_carries_demo_modules():
    found = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in (ROOT / package).rglob("*demo*")
        if "migrations" not in path.parts and "templates" not in path.parts
    ]
    assert not found, found


def test_no_product_module_imports_the_demo_app():
    importers = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                if any(name == "demo" or name.startswith("demo.") for name in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert not importers, importers


def test_the_demo_data_files_are_json_the_loaders_read():
    files = sorted((ROOT / "demo" / "data").glob("*.json"))
    assert {path.stem for path in files} >= {"roster", "courses", "question_banks", "certificates"}
    for path in files:
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict), path.name
