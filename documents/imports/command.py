"""What every import command prints and how it ends (CONTRACT.md: all imports share one
behaviour), so `import_roster`, `import_certificates`, `import_questions`,
`import_enterprises` and `import_regions` cannot drift apart.

Each bad row goes to stdout, one line each, so a script can keep them (and, with
``--bad-rows FILE``, to a .csv with the columns 行号, 列, 内容, 问题 that opens in Excel next
to the upload); then the command's own counts; then the verdict. Any bad row without
`--only-valid` fails the command (exit 1, one line on stderr), on a dry run as on a real one:
a script that checks a file with `--dry-run` learns from the exit status whether the file is
clean. With `--only-valid` a real run imports the good rows and succeeds; a dry run that finds
a bad row fails even with `--only-valid` (CONTRACT.md: "every import command's dry run exits
non-zero when it finds a bad row"), after printing what the good rows would do.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _

from documents.errors import FileProblem
from documents.sheets import check_size

from .badrows import bad_rows_csv
from .report import BadRow, bad_row_count

__all__ = ["ImportCommand", "bad_row_count", "finish_import", "write_bad_rows"]


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


class ImportCommand(BaseCommand):
    """The shared flags (FILE, --dry-run, --only-valid, --bad-rows) and the shared ending; a
    subclass reads the file with :meth:`read_file`, calls its service and :meth:`finish`."""

    file_help = "The file to import, .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="Import the good rows even when some rows are bad.",
        )
        parser.add_argument(
            "--bad-rows",
            metavar="FILE.csv",
            help="Also write every bad row (row, column, value, reason) to this .csv file.",
        )

    def read_file(self, path: Path) -> bytes:
        """The file's bytes, or a CommandError saying why not (missing, too large)."""
        try:
            check_size(path.stat().st_size)
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc

    def write_bad_rows(self, errors: list, options: dict) -> None:
        """Every bad row on stdout, and in the --bad-rows file when one was asked for."""
        write_bad_rows(self.stdout, errors)
        target = options.get("bad_rows")
        if target:
            try:
                Path(target).write_bytes(bad_rows_csv(errors))
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s")
                    % {"file": target, "error": exc.strerror or exc}
                ) from exc

    def finish(self, *, bad_rows: int, refused: bool, written: bool) -> None:
        finish_import(stdout=self.stdout, bad_rows=bad_rows, refused=refused, written=written)
