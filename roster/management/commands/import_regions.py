"""`manage.py import_regions FILE [--dry-run] [--only-valid] [--bad-rows F]` (CONTRACT.md).

The command acts for the system, with no user: it may write anywhere. What it prints and how
it ends is every import command's (documents.imports.command).
"""

from __future__ import annotations

from roster.imports.directory import read_regions
from roster.imports.directory_command import DirectoryImportCommand
from roster.services.directory import region_directory_import


class Command(DirectoryImportCommand):
    help = (
        "Import regions (.xlsx or .csv: 代码, 名称, optional 上级代码): GB/T 2260 six-digit "
        "codes and nine-digit township codes; the level and the parent follow from the code. "
        "Every bad row is reported; "
        "nothing is written when any row is bad unless "
        "--only-valid is given."
    )
    read_rows = staticmethod(read_regions)
    write_rows = staticmethod(region_directory_import)
