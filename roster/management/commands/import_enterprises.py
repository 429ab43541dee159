"""`manage.py import_enterprises FILE [--dry-run] [--only-valid] [--bad-rows F]` (CONTRACT.md).

The command acts for the system, with no user: it may write anywhere. What it prints and how
it ends is every import command's (documents.imports.command).
"""

from __future__ import annotations

from roster.imports.directory import read_enterprises
from roster.imports.directory_command import DirectoryImportCommand
from roster.services.directory import enterprise_directory_import


class Command(DirectoryImportCommand):
    help = (
        "Import the enterprise directory (.xlsx or .csv: 名称, 统一社会信用代码, 所属地区代码, "
        "行业, 地址, 法定代表人, 联系电话), upserting by credit code. Every bad row is reported; "
        "nothing is written when any row is bad unless "
        "--only-valid is given."
    )
    read_rows = staticmethod(read_enterprises)
    write_rows = staticmethod(enterprise_directory_import)
