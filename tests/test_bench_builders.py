"""The benchmarks' bulk loaders name every column a new row needs.

bench/bench_reports.py builds a million people with COPY, which applies no Django default:
a NOT NULL column added to a model without a database default stops the benchmark at the
build, after minutes of work (it checks and says which column, but only when run, and the
benchmarks are not run by CI). This reads each COPY's table and column list from the
benchmark's source and checks them against the models, on any database.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.db.models.fields import NOT_PROVIDED

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _copies(path: Path) -> list[tuple[str, list[str]]]:
    """(table, columns) of every `copy_rows("table", [...], rows)` call in a benchmark."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "copy_rows"
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.args[0].value, [ast.literal_eval(e) for e in node.args[1].elts]))
    return found


def _model(table: str) -> type[models.Model]:
    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    raise LookupError(table)


def _needed(model: type[models.Model]) -> set[str]:
    """The columns COPY must be given: NOT NULL, no database default, not an identity."""
    return {
        field.column
        for field in model._meta.concrete_fields
        if not field.null
        and field.db_default is NOT_PROVIDED
        and not isinstance(field, models.AutoField | models.BigAutoField)
    }


COPIES = _copies(BENCH / "bench_reports.py")


def test_the_report_benchmark_loads_tables_by_copy():
    assert len(COPIES) >= 6


@pytest.mark.parametrize(("table", "columns"), COPIES, ids=[t for t, _ in COPIES])
def test_each_copy_names_every_column_a_row_needs(table, columns):
    model = _model(table)
    assert not _needed(model) - set(columns), (
        f"bench/bench_reports.py copies {table} without {sorted(_needed(model) - set(columns))}"
    )
    known = {field.column for field in model._meta.concrete_fields}
    assert not set(columns) - known
