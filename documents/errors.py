"""The two kinds of bad input an import reports (ARCHITECTURE.md rule 8)."""

from __future__ import annotations

from dataclasses import dataclass


class FileProblem(Exception):
    """The file as a whole cannot be imported (wrong type, broken, too large, empty, headers
    missing). The message is for the person who uploaded it, already translated."""


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row), located the way the uploader will look for it in Excel."""

    row: int  # the row number Excel shows, counting title and header rows
    column: str  # the header as written in the file, or the template's name for it
    value: str  # what the cell held, as text
    reason: str
