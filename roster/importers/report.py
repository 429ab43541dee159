"""What every import command prints and how it ends (CONTRACT.md: all imports share one
behaviour), so `import_roster`, `import_certificates` and `import_questions` cannot drift apart.

Each bad row goes to stdout, one line each, so a script can keep them; then the command's own
counts; then the verdict. Any bad row without `--only-valid` fails the command (exit 1, one line
on stderr), on a dry run as on a real one: a script that checks a file with `--dry-run` learns
from the exit status whether the file is clean. With `--only-valid` a real run imports the good
rows and succeeds; a dry run that finds a bad row fails even with `--only-valid` (CONTRACT.md:
"every import command's dry run exits non-zero when it finds a bad row"), after printing what
the good rows would do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _


class BadRow(Protocol):
    """A row error of any importer: roster.importers.errors.RowError and the question
    interchange's RowError (whose row is None for a problem with the whole file)."""

    row: int | None
    column: str
    value: str
    reason: str


def bad_row_count(errors: Iterable[BadRow]) -> int:
    """Rows with at least one problem (a row with two bad cells is one bad row)."""
    return len({e.row for e in errors})


def write_bad_rows(stdout: OutputWrapper, errors: Iterable[BadRow]) -> None:
    for error in errors:
        if error.row is None:
            stdout.write(_("The file: %(reason)s") % {"reason": error.reason})
            continue
        stdout.write(
            _("Row %(row)s, %(column)s, %(value)s: %(reason)s")
            % {
                "row": error.row,
                "column": error.column or "-",
                "value": error.value or _("(blank)"),
                "reason": error.reason,
            }
        )


def finish_import(*, stdout: OutputWrapper, bad_rows: int, refused: bool, written: bool) -> None:
    """The verdict, after the bad rows and the counts: `refused` is the service's "bad rows
    and not only_valid" (nothing may be written), `written` whether anything was."""
    if refused:
        raise CommandError(
            _("%(bad)s bad rows; nothing was imported (fix them, or use --only-valid).")
            % {"bad": bad_rows}
        )
    if not written:
        if bad_rows:
            raise CommandError(
                _("Dry run: %(bad)s bad rows found; nothing was written.") % {"bad": bad_rows}
            )
        stdout.write(_("Dry run: nothing was written."))
