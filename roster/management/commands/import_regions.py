"""`manage.py import_regions FILE [--dry-run] [--only-valid] [--bad-rows F]` (CONTRACT.md).

The command acts for the system, with no user: it may write anywhere. What it prints and how
it ends is every import command's (documents.imports.command).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from documents.errors import FileProblem
from documents.imports.command import ImportCommand
from roster.importers.directory import read_regions
from roster.selectors import directory_scope
from roster.services.directory import region_directory_import


class Command(ImportCommand):
    help = (
        "Import regions (.xlsx or .csv: 代码, 名称, optional 上级代码): GB/T 2260 six-digit "
        "codes and nine-digit township codes; the level and the parent follow from the code. "
        "Every bad row is reported; "
        "nothing is written when any row is bad unless "
        "--only-valid is given."
    )

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = self.read_file(path)
        try:
            rows = read_regions(data, path.name, scope=directory_scope(None))
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        result = region_directory_import(
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
