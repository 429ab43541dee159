"""What an import found and did: one shape for every import, so the check pages and the
commands read the same fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class BadRow(Protocol):
    """A row error of any importer: documents.errors.RowError, and question_banks.imports'
    RowError (whose row is None for a problem with the whole file)."""

    row: int | None
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class RowWarning:
    """Something the uploader should look at that does not make the row bad (a question very
    like one already in the bank, an enterprise whose name changes)."""

    row: int | None
    column: str
    value: str
    reason: str


def bad_row_count(errors: Iterable[BadRow]) -> int:
    """Rows with at least one problem (a row with two bad cells is one bad row)."""
    return len({e.row for e in errors})


@dataclass
class ImportReport:
    """What an import did, or, on a dry run or a refusal, what it would have done."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # list[BadRow]
    warnings: list[RowWarning] = field(default_factory=list)
    written: bool = False
    refused: bool = False  # bad rows and not `only_valid`: nothing may be written

    @property
    def bad_rows(self) -> int:
        return bad_row_count(self.errors)

    @property
    def bad_row_numbers(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    @property
    def good_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def sorted_errors(self) -> list:
        """Errors in file order (a problem with the whole file first)."""
        return sorted(self.errors, key=lambda e: (e.row is not None, e.row or 0))
