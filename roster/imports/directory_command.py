"""The directory imports' command (`import_enterprises`, `import_regions`): read the file
with the directory's reader, write through its service, print as every import command does.

The commands act for the system, with no user: they may write anywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from documents.errors import FileProblem
from documents.imports.command import ImportCommand
from roster.selectors import directory_scope


class DirectoryImportCommand(ImportCommand):
    read_rows: Callable  # (data, filename, *, scope) -> the parsed rows
    write_rows: Callable  # (*, rows, actor, only_valid, dry_run) -> the import's report

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = self.read_file(path)
        try:
            rows = self.read_rows(data, path.name, scope=directory_scope(None))
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        result = self.write_rows(
            rows=rows, actor=None, only_valid=options["only_valid"], dry_run=options["dry_run"]
        )
        self.write_bad_rows(result.sorted_errors(), options)
        if result.written:
            summary = _(
                "%(rows)s rows read, %(bad)s bad; created %(created)s, updated %(updated)s, "
                "unchanged %(unchanged)s."
            )
        else:
            summary = _(
                "%(rows)s rows read, %(bad)s bad; would create %(created)s, update %(updated)s, "
                "leave %(unchanged)s unchanged."
            )
        self.stdout.write(
            summary
            % {
                "rows": rows.total_rows,
                "bad": result.bad_rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
        self.finish(bad_rows=result.bad_rows, refused=result.refused, written=result.written)
